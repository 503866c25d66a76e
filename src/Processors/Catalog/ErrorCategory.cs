namespace ErrorTelemetry;

/// <summary>
/// The taxonomy of failures. Each category has a default HTTP status and a default severity, which a
/// definition inherits unless it sets its own.
/// </summary>
/// <remarks>Exported as the <c>error.category</c> attribute in lower snake case, e.g. <c>not_found</c>.</remarks>
public enum ErrorCategory
{
    /// <summary>The caller sent input that is malformed or breaks a rule (HTTP 400, warning).</summary>
    Validation,

    /// <summary>The caller is not authenticated (HTTP 401, warning).</summary>
    Authentication,

    /// <summary>The caller is authenticated but not allowed (HTTP 403, warning).</summary>
    Authorization,

    /// <summary>The requested resource does not exist (HTTP 404, info).</summary>
    NotFound,

    /// <summary>The request conflicts with the current state (HTTP 409, warning).</summary>
    Conflict,

    /// <summary>The caller exceeded a rate limit or quota (HTTP 429, warning).</summary>
    RateLimited,

    /// <summary>A domain rule refused the operation (HTTP 422, warning).</summary>
    BusinessRule,

    /// <summary>A downstream or third-party service failed (HTTP 502, error).</summary>
    Dependency,

    /// <summary>The network failed: DNS, sockets, TLS, connection refused (HTTP 503, error).</summary>
    Connectivity,

    /// <summary>An operation ran out of time (HTTP 504, error).</summary>
    Timeout,

    /// <summary>A database, file system or other store failed (HTTP 503, error).</summary>
    Storage,

    /// <summary>The service is misconfigured (HTTP 500, critical).</summary>
    Configuration,

    /// <summary>An unexpected failure inside the service: a bug (HTTP 500, error).</summary>
    Internal,

    /// <summary>The caller gave up on the request; not a server failure (HTTP 499, info).</summary>
    Cancelled,
}
