using ErrorTelemetry;

namespace Storefront;

/// <summary>The storefront's catalogued errors.</summary>
public static class StorefrontErrors
{
    public static readonly ErrorDefinition ItemUnavailable = new("CHECKOUT_ITEM_UNAVAILABLE", ErrorCategory.Dependency, "An item in your basket is no longer available.")
    {
        Description = "The inventory service refused the reservation; error.cause.code names its reason.",
        Owner = "checkout-team",
        RunbookUrl = new Uri("https://runbooks.example.com/checkout/item-unavailable"),
        Remediation = "Check the inventory service's failures for the cause code.",
        HttpStatus = 409,
        Severity = ErrorSeverity.Warning,
    };

    public static readonly ErrorDefinition DatabaseTimeout = new("DEPENDENCY_DB_TIMEOUT", ErrorCategory.Timeout, "The service is temporarily slow. Please try again.")
    {
        Description = "The orders database did not answer within the command timeout.",
        Owner = "storefront-dba",
        RunbookUrl = new Uri("https://runbooks.example.com/storefront/db-timeout"),
        Remediation = "Look for blocking queries and connection-pool exhaustion on orders-db.",
        Retryable = true,
        Severity = ErrorSeverity.Critical,
    };

    public static readonly ErrorDefinition OrderNotFound = new("ORDER_NOT_FOUND", ErrorCategory.NotFound, "The order does not exist.")
    {
        Owner = "storefront-team",
    };
}
