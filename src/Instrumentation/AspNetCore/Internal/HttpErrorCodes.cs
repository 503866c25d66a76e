namespace ErrorTelemetry.AspNetCore.Internal;

/// <summary>
/// The catalog codes the ASP.NET Core integration answers with when no exception names one, and the status they
/// map from. Codes are looked up in the catalog so configuration can override their operational fields; the
/// fallbacks here only keep the integration working with a catalog that lacks them.
/// </summary>
internal static class HttpErrorCodes
{
    public const string ValidationFailed = "VALIDATION_FAILED";
    public const string ValidationMalformedJson = "VALIDATION_MALFORMED_JSON";
    public const string NotFound = "HTTP_NOT_FOUND";
    public const string MethodNotAllowed = "HTTP_METHOD_NOT_ALLOWED";
    public const string UnsupportedMediaType = "HTTP_UNSUPPORTED_MEDIA_TYPE";
    public const string ServerError = "HTTP_SERVER_ERROR";
    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";
    public const string RateLimited = "RATE_LIMITED";
    public const string AuthenticationRequired = "AUTHENTICATION_REQUIRED";
    public const string Forbidden = "HTTP_FORBIDDEN";
    public const string RequestCancelled = "REQUEST_CANCELLED";
    public const string Conflict = "HTTP_CONFLICT";
    public const string ClientError = "HTTP_CLIENT_ERROR";

    /// <summary>The status ASP.NET Core servers and proxies use for a request the client abandoned.</summary>
    public const int ClientClosedRequest = 499;

    private static readonly ErrorDefinition ValidationFailedFallback = new(ValidationFailed, ErrorCategory.Validation, "The request is not valid.");
    private static readonly ErrorDefinition MalformedJsonFallback = new(ValidationMalformedJson, ErrorCategory.Validation, "The request body is not valid JSON.");
    private static readonly ErrorDefinition NotFoundFallback = new(NotFound, ErrorCategory.NotFound, "The resource was not found.");
    private static readonly ErrorDefinition MethodNotAllowedFallback = new(MethodNotAllowed, ErrorCategory.Validation, "The method is not allowed for this resource.") { HttpStatus = 405 };
    private static readonly ErrorDefinition UnsupportedMediaTypeFallback = new(UnsupportedMediaType, ErrorCategory.Validation, "The request's content type is not supported.") { HttpStatus = 415 };
    private static readonly ErrorDefinition ServerErrorFallback = new(ServerError, ErrorCategory.Internal, "An unexpected error occurred.");
    private static readonly ErrorDefinition ServiceUnavailableFallback = new(ServiceUnavailable, ErrorCategory.Dependency, "The service is temporarily unavailable.") { HttpStatus = 503, Retryable = true };
    private static readonly ErrorDefinition RateLimitedFallback = new(RateLimited, ErrorCategory.RateLimited, "Too many requests.") { Retryable = true };
    private static readonly ErrorDefinition AuthenticationRequiredFallback = new(AuthenticationRequired, ErrorCategory.Authentication, "Authentication is required.");
    private static readonly ErrorDefinition ForbiddenFallback = new(Forbidden, ErrorCategory.Authorization, "You do not have permission to perform this operation.");
    private static readonly ErrorDefinition ConflictFallback = new(Conflict, ErrorCategory.Conflict, "The request conflicts with the current state of the resource.");
    private static readonly ErrorDefinition ClientErrorFallback = new(ClientError, ErrorCategory.Validation, "The request could not be processed.");

    public static ErrorDefinition Get(ErrorCatalog catalog, string code) =>
        catalog.TryGet(code, out var definition) ? definition : Fallback(code);

    /// <summary>The definition for a response status that no exception or explicit code explains.</summary>
    public static ErrorDefinition ForStatus(ErrorCatalog catalog, int status) => status switch
    {
        400 => Get(catalog, ValidationFailed),
        401 => Get(catalog, AuthenticationRequired),
        403 => Get(catalog, Forbidden),
        404 => Get(catalog, NotFound),
        405 => Get(catalog, MethodNotAllowed),
        409 => Get(catalog, Conflict),
        415 => Get(catalog, UnsupportedMediaType),
        429 => Get(catalog, RateLimited),
        ClientClosedRequest => Get(catalog, RequestCancelled),
        503 => Get(catalog, ServiceUnavailable),
        >= 500 => Get(catalog, ServerError),
        _ => Get(catalog, ClientError),
    };

    private static ErrorDefinition Fallback(string code) => code switch
    {
        ValidationFailed => ValidationFailedFallback,
        ValidationMalformedJson => MalformedJsonFallback,
        NotFound => NotFoundFallback,
        MethodNotAllowed => MethodNotAllowedFallback,
        UnsupportedMediaType => UnsupportedMediaTypeFallback,
        ServiceUnavailable => ServiceUnavailableFallback,
        RateLimited => RateLimitedFallback,
        AuthenticationRequired => AuthenticationRequiredFallback,
        Forbidden => ForbiddenFallback,
        RequestCancelled => BuiltInErrors.RequestCancelled,
        Conflict => ConflictFallback,
        ClientError => ClientErrorFallback,
        _ => ServerErrorFallback,
    };
}
