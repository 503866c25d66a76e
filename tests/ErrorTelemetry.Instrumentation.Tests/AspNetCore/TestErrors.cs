namespace ErrorTelemetry.Tests.AspNetCore;

/// <summary>One catalogued error per category, as an application would declare them.</summary>
internal static class TestErrors
{
    public static readonly ErrorDefinition OrderInvalid = new("ORDER_INVALID", ErrorCategory.Validation, "The order is not valid.");
    public static readonly ErrorDefinition TokenExpired = new("TOKEN_EXPIRED", ErrorCategory.Authentication, "Your session has expired.");
    public static readonly ErrorDefinition OrderAccessDenied = new("ORDER_ACCESS_DENIED", ErrorCategory.Authorization, "You cannot see this order.");
    public static readonly ErrorDefinition OrderNotFound = new("ORDER_NOT_FOUND", ErrorCategory.NotFound, "The order does not exist.");
    public static readonly ErrorDefinition OrderAlreadyPaid = new("ORDER_ALREADY_PAID", ErrorCategory.Conflict, "The order is already paid.");
    public static readonly ErrorDefinition QuotaExceeded = new("QUOTA_EXCEEDED", ErrorCategory.RateLimited, "You sent too many orders.") { Retryable = true };
    public static readonly ErrorDefinition OrderLimitExceeded = new("ORDER_LIMIT_EXCEEDED", ErrorCategory.BusinessRule, "The order exceeds your limit.");
    public static readonly ErrorDefinition PaymentProviderFailed = new("PAYMENT_PROVIDER_FAILED", ErrorCategory.Dependency, "Payment could not be processed.") { Retryable = true };
    public static readonly ErrorDefinition PaymentProviderUnreachable = new("PAYMENT_PROVIDER_UNREACHABLE", ErrorCategory.Connectivity, "Payment is unavailable.") { Retryable = true };
    public static readonly ErrorDefinition PaymentProviderTimeout = new("PAYMENT_PROVIDER_TIMEOUT", ErrorCategory.Timeout, "Payment took too long.") { Retryable = true };
    public static readonly ErrorDefinition OrderStoreUnavailable = new("ORDER_STORE_UNAVAILABLE", ErrorCategory.Storage, "Orders are unavailable.");
    public static readonly ErrorDefinition PaymentKeyMissing = new("PAYMENT_KEY_MISSING", ErrorCategory.Configuration, "Payment is not set up.");

    public static readonly ErrorDefinition Documented = new("ORDER_LOCKED", ErrorCategory.Conflict, "The order is locked.")
    {
        RunbookUrl = new Uri("https://docs.example.com/errors/order-locked"),
    };
}
