namespace ErrorTelemetry.Catalog.Internal;

/// <summary>Default HTTP status, severity and attribute names per category; one table so they cannot drift.</summary>
internal static class CategoryDefaults
{
    public static int HttpStatus(ErrorCategory category) => category switch
    {
        ErrorCategory.Validation => 400,
        ErrorCategory.Authentication => 401,
        ErrorCategory.Authorization => 403,
        ErrorCategory.NotFound => 404,
        ErrorCategory.Conflict => 409,
        ErrorCategory.RateLimited => 429,
        ErrorCategory.BusinessRule => 422,
        ErrorCategory.Dependency => 502,
        ErrorCategory.Connectivity => 503,
        ErrorCategory.Timeout => 504,
        ErrorCategory.Storage => 503,
        ErrorCategory.Configuration => 500,
        ErrorCategory.Cancelled => 499,
        _ => 500,
    };

    public static ErrorSeverity Severity(ErrorCategory category) => category switch
    {
        ErrorCategory.NotFound or ErrorCategory.Cancelled => ErrorSeverity.Info,
        ErrorCategory.Validation or ErrorCategory.Authentication or ErrorCategory.Authorization
            or ErrorCategory.Conflict or ErrorCategory.RateLimited or ErrorCategory.BusinessRule => ErrorSeverity.Warning,
        ErrorCategory.Configuration => ErrorSeverity.Critical,
        _ => ErrorSeverity.Error,
    };

    public static string Name(ErrorCategory category) => category switch
    {
        ErrorCategory.Validation => "validation",
        ErrorCategory.Authentication => "authentication",
        ErrorCategory.Authorization => "authorization",
        ErrorCategory.NotFound => "not_found",
        ErrorCategory.Conflict => "conflict",
        ErrorCategory.RateLimited => "rate_limited",
        ErrorCategory.BusinessRule => "business_rule",
        ErrorCategory.Dependency => "dependency",
        ErrorCategory.Connectivity => "connectivity",
        ErrorCategory.Timeout => "timeout",
        ErrorCategory.Storage => "storage",
        ErrorCategory.Configuration => "configuration",
        ErrorCategory.Cancelled => "cancelled",
        _ => "internal",
    };

    public static string Name(ErrorSeverity severity) => severity switch
    {
        ErrorSeverity.Info => "info",
        ErrorSeverity.Warning => "warning",
        ErrorSeverity.Critical => "critical",
        _ => "error",
    };
}
