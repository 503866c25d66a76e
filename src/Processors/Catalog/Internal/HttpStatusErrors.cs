namespace ErrorTelemetry.Catalog.Internal;

/// <summary>The definition for an HTTP response that failed without an exception, by status.</summary>
internal static class HttpStatusErrors
{
    /// <summary>The de-facto "client closed request" status (nginx); ASP.NET Core's request-timeout and abort paths use it too.</summary>
    public const int ClientClosedRequest = 499;

    /// <summary>Returns the built-in definition for a failed response status.</summary>
    /// <param name="status">The response status.</param>
    /// <returns>
    /// <see langword="null"/> below 400 (not a failure); a specific definition for the statuses that have one; otherwise the family
    /// fallback, <see cref="BuiltInErrors.HttpClientError"/> for 4xx and <see cref="BuiltInErrors.HttpServerError"/> for 5xx and above.
    /// </returns>
    public static ErrorDefinition? ForStatus(int status) => status switch
    {
        < 400 => null,
        400 => BuiltInErrors.HttpBadRequest,
        401 => BuiltInErrors.AuthenticationRequired,
        403 => BuiltInErrors.HttpForbidden,
        404 => BuiltInErrors.HttpNotFound,
        405 => BuiltInErrors.HttpMethodNotAllowed,
        406 => BuiltInErrors.HttpNotAcceptable,
        409 => BuiltInErrors.HttpConflict,
        413 => BuiltInErrors.HttpPayloadTooLarge,
        415 => BuiltInErrors.HttpUnsupportedMediaType,
        429 => BuiltInErrors.RateLimited,

        ClientClosedRequest => BuiltInErrors.RequestCancelled,
        < 500 => BuiltInErrors.HttpClientError,

        // A handler that answers 502/504 itself is a gateway reporting its upstream (YARP does exactly this).
        502 => BuiltInErrors.DependencyHttpServerError,
        503 => BuiltInErrors.ServiceUnavailable,
        504 => BuiltInErrors.DependencyTimeout,
        _ => BuiltInErrors.HttpServerError,
    };

    /// <summary>Returns the catalog's definition for a failed response status, with any configuration overrides applied.</summary>
    /// <param name="catalog">The catalog.</param>
    /// <param name="status">The response status.</param>
    /// <returns>As <see cref="ForStatus(int)"/>, resolved through the catalog.</returns>
    public static ErrorDefinition? ForStatus(ErrorCatalog catalog, int status)
    {
        var builtIn = ForStatus(status);
        return builtIn is null ? null : catalog.Resolve(builtIn);
    }
}
