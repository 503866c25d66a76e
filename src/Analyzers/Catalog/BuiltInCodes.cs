namespace ErrorTelemetry.Analyzers.Catalog;

/// <summary>
/// The codes of <c>BuiltInErrors</c>, which every catalog holds. An analyzer cannot load the library it analyses,
/// so the list is repeated here; a test compares it with <c>BuiltInErrors.All()</c> so the two cannot drift.
/// </summary>
internal static class BuiltInCodes
{
    public static readonly string[] All =
    [
        "UNCLASSIFIED", "OPERATION_TIMEOUT", "REQUEST_CANCELLED", "DEPENDENCY_TIMEOUT", "DEPENDENCY_HTTP_CLIENT_ERROR",
        "DEPENDENCY_HTTP_SERVER_ERROR", "DEPENDENCY_HTTP_FAILURE", "CONNECTIVITY_DNS", "CONNECTIVITY_SOCKET",
        "VALIDATION_MALFORMED_JSON", "VALIDATION_FORMAT", "VALIDATION_FAILED", "INVALID_ARGUMENT", "STORAGE_DATABASE",
        "STORAGE_DATABASE_TRANSIENT", "STORAGE_IO", "ACCESS_DENIED", "CONFIGURATION_INVALID", "NOT_IMPLEMENTED",
        "HTTP_BAD_REQUEST", "AUTHENTICATION_REQUIRED", "HTTP_FORBIDDEN", "HTTP_NOT_FOUND", "HTTP_METHOD_NOT_ALLOWED",
        "HTTP_NOT_ACCEPTABLE", "HTTP_CONFLICT", "HTTP_PAYLOAD_TOO_LARGE", "HTTP_UNSUPPORTED_MEDIA_TYPE",
        "HTTP_CLIENT_ERROR", "RATE_LIMITED", "HTTP_SERVER_ERROR", "SERVICE_UNAVAILABLE", "DEPENDENCY_RESILIENCE_TIMEOUT",
        "DEPENDENCY_CIRCUIT_OPEN", "DEPENDENCY_RATE_LIMITED",
    ];
}
