using System.Collections.ObjectModel;

namespace ErrorTelemetry;

/// <summary>
/// The built-in definitions for platform failures. Every catalog contains them, the built-in mapping rules classify
/// platform exceptions into them, and failed HTTP responses without an exception get one of the <c>HTTP_*</c> codes.
/// </summary>
/// <remarks>
/// The codes are reserved: defining one of them again in code is a duplicate. Configuration
/// (<c>ErrorTelemetry:Catalog:&lt;CODE&gt;</c>) may override every field except the category, e.g. to set an owner
/// or a runbook. The fields are immutable and thread-safe. Titles are safe to show an end user; descriptions are for
/// engineers.
/// </remarks>
public static class BuiltInErrors
{
    /// <summary>A failure no rule classifies. Its counts show where the catalog has gaps.</summary>
    public static readonly ErrorDefinition Unclassified = new("UNCLASSIFIED", ErrorCategory.Internal, "An unexpected error occurred.")
    {
        Description = "An exception that no mapping rule classifies. Add a catalog entry and a Map<TException> rule for it, or raise a CodedException.",
        Remediation = "Find the exception type in the trace, then add a definition and a mapping rule for it.",
    };

    /// <summary>An operation ran out of time: a <see cref="TimeoutException"/>, or a cancellation the client did not ask for.</summary>
    public static readonly ErrorDefinition OperationTimeout = new("OPERATION_TIMEOUT", ErrorCategory.Timeout, "The operation timed out.")
    {
        Description = "A TimeoutException, or an OperationCanceledException while the request was still wanted (a timeout token, or the host stopping).",
        Retryable = true,
    };

    /// <summary>The client aborted the request; not a server failure.</summary>
    public static readonly ErrorDefinition RequestCancelled = new("REQUEST_CANCELLED", ErrorCategory.Cancelled, "The request was cancelled.")
    {
        Description = "The client aborted the request (disconnected or gave up) and the work stopped with an OperationCanceledException. Nobody received the response; this is not a server failure.",
    };

    /// <summary>An outgoing HTTP call ran into <c>HttpClient.Timeout</c>.</summary>
    public static readonly ErrorDefinition DependencyTimeout = new("DEPENDENCY_TIMEOUT", ErrorCategory.Timeout, "A service this request depends on did not respond in time.")
    {
        Description = "HttpClient gave up on a downstream call after HttpClient.Timeout (a TaskCanceledException whose inner exception is a TimeoutException).",
        Retryable = true,
        Remediation = "Check the downstream service's latency; raise HttpClient.Timeout only if its latency is expected.",
    };

    /// <summary>A downstream HTTP service answered with a 4xx status.</summary>
    public static readonly ErrorDefinition DependencyHttpClientError = new("DEPENDENCY_HTTP_CLIENT_ERROR", ErrorCategory.Dependency, "A service this request depends on rejected the request.")
    {
        Description = "An HttpRequestException with a 4xx StatusCode (usually from EnsureSuccessStatusCode): this service sent a request the downstream refused, so retrying the same call will not help.",
        Remediation = "Look at the downstream status and response; the request this service builds is probably wrong.",
    };

    /// <summary>A downstream HTTP service answered with a 5xx status.</summary>
    public static readonly ErrorDefinition DependencyHttpServerError = new("DEPENDENCY_HTTP_SERVER_ERROR", ErrorCategory.Dependency, "A service this request depends on failed.")
    {
        Description = "An HttpRequestException with a 5xx StatusCode: the downstream service failed.",
        Retryable = true,
    };

    /// <summary>An outgoing HTTP call failed without a response status (protocol, TLS or transport failure).</summary>
    public static readonly ErrorDefinition DependencyHttpFailure = new("DEPENDENCY_HTTP_FAILURE", ErrorCategory.Dependency, "A call to a service this request depends on failed.")
    {
        Description = "An HttpRequestException without a StatusCode whose cause is not a DNS or connection failure: TLS, protocol errors, a response that ended early, or a non-success status outside 4xx/5xx.",
    };

    /// <summary>A resilience pipeline (Polly, <c>AddStandardResilienceHandler()</c>) gave up on a call after its timeout.</summary>
    public static readonly ErrorDefinition DependencyResilienceTimeout = new("DEPENDENCY_RESILIENCE_TIMEOUT", ErrorCategory.Timeout, "A service this request depends on did not respond in time.")
    {
        Description = "A Polly TimeoutRejectedException: the resilience pipeline's attempt or total request timeout expired before the downstream answered.",
        Retryable = true,
        Remediation = "Check the downstream service's latency and the resilience handler's AttemptTimeout and TotalRequestTimeout.",
    };

    /// <summary>A resilience pipeline's circuit breaker is open and refused the call without sending it.</summary>
    public static readonly ErrorDefinition DependencyCircuitOpen = new("DEPENDENCY_CIRCUIT_OPEN", ErrorCategory.Dependency, "A service this request depends on is temporarily unavailable.")
    {
        Description = "A Polly BrokenCircuitException (or IsolatedCircuitException): the circuit breaker opened after earlier failures of the downstream and rejected this call without sending it.",
        HttpStatus = 503,
        Retryable = true,
        Remediation = "Look for the downstream failures that opened the circuit; it closes again after its break duration.",
    };

    /// <summary>A resilience pipeline's rate limiter refused an outgoing call.</summary>
    public static readonly ErrorDefinition DependencyRateLimited = new("DEPENDENCY_RATE_LIMITED", ErrorCategory.Dependency, "A service this request depends on is busy; try again later.")
    {
        Description = "A Polly RateLimiterRejectedException: this service's own limiter of outgoing calls (the standard resilience handler's concurrency limiter) rejected the call.",
        HttpStatus = 503,
        Retryable = true,
        Remediation = "Raise the outgoing rate or concurrency limit, or reduce the load on this dependency.",
    };

    /// <summary>A host name could not be resolved.</summary>
    public static readonly ErrorDefinition ConnectivityDns = new("CONNECTIVITY_DNS", ErrorCategory.Connectivity, "A network address could not be resolved.")
    {
        Description = "DNS resolution failed: a SocketException with HostNotFound, TryAgain or NoData, or an HttpRequestException with HttpRequestError.NameResolutionError.",
        Remediation = "Check the configured host name and the DNS setup of the environment.",
    };

    /// <summary>A network connection failed.</summary>
    public static readonly ErrorDefinition ConnectivitySocket = new("CONNECTIVITY_SOCKET", ErrorCategory.Connectivity, "A network connection failed.")
    {
        Description = "A socket failed (connection refused, reset, unreachable network): a SocketException, or an HttpRequestException with HttpRequestError.ConnectionError.",
        Retryable = true,
    };

    /// <summary>JSON could not be parsed.</summary>
    public static readonly ErrorDefinition ValidationMalformedJson = new("VALIDATION_MALFORMED_JSON", ErrorCategory.Validation, "The request body is not valid JSON.")
    {
        Description = "A System.Text.Json.JsonException. Usually the caller sent malformed JSON; if this service was parsing a downstream response, map that call's exception to a dependency code instead.",
    };

    /// <summary>A value did not have the expected format.</summary>
    public static readonly ErrorDefinition ValidationFormat = new("VALIDATION_FORMAT", ErrorCategory.Validation, "A value in the request has the wrong format.")
    {
        Description = "A FormatException, e.g. parsing a number, date or GUID from input. If the value came from this service's own data, it is a bug: map it with a rule.",
    };

    /// <summary>The request failed validation.</summary>
    public static readonly ErrorDefinition ValidationFailed = new("VALIDATION_FAILED", ErrorCategory.Validation, "The request is not valid.")
    {
        Description = "A System.ComponentModel.DataAnnotations.ValidationException, or a request that failed model binding or model validation.",
    };

    /// <summary>Code inside the service called a method with an invalid argument: a bug.</summary>
    public static readonly ErrorDefinition InvalidArgument = new("INVALID_ARGUMENT", ErrorCategory.Internal, "An internal error occurred.")
    {
        Description = "An ArgumentException (or ArgumentNullException, ArgumentOutOfRangeException, ...) escaped. These guard method contracts between pieces of code, so when one reaches the request boundary this service passed a bad value itself: a bug (500), not the caller's fault. Validate input explicitly and raise VALIDATION_FAILED or a catalogued validation code instead.",
        Remediation = "Find the call that passed the bad argument in the stack trace and validate the input before it.",
    };

    /// <summary>A database operation failed.</summary>
    public static readonly ErrorDefinition StorageDatabase = new("STORAGE_DATABASE", ErrorCategory.Storage, "A database error occurred.")
    {
        Description = "A System.Data.Common.DbException that the provider does not flag as transient: constraint violations, SQL errors, permissions.",
    };

    /// <summary>A database operation failed in a way that may succeed on retry.</summary>
    public static readonly ErrorDefinition StorageDatabaseTransient = new("STORAGE_DATABASE_TRANSIENT", ErrorCategory.Storage, "The database is temporarily unavailable.")
    {
        Description = "A DbException whose IsTransient is true: deadlocks, failovers, dropped connections, throttling.",
        Retryable = true,
    };

    /// <summary>A file system or stream operation failed.</summary>
    public static readonly ErrorDefinition StorageIo = new("STORAGE_IO", ErrorCategory.Storage, "A storage error occurred.")
    {
        Description = "An IOException (file not found, disk full, stream closed). A more specific cause inside it, such as a SocketException, takes precedence.",
    };

    /// <summary>Access to a resource was denied.</summary>
    public static readonly ErrorDefinition AccessDenied = new("ACCESS_DENIED", ErrorCategory.Authorization, "Access is denied.")
    {
        Description = "An UnauthorizedAccessException. When the operating system denied this service access to a file, the fix is on the server side; map that site to a storage or configuration code.",
    };

    /// <summary>The service's configuration is invalid.</summary>
    public static readonly ErrorDefinition ConfigurationInvalid = new("CONFIGURATION_INVALID", ErrorCategory.Configuration, "The service is not configured correctly.")
    {
        Description = "An OptionsValidationException: an options class failed validation when it was first used.",
        Remediation = "Read the validation failures in the exception message and fix the configuration.",
    };

    /// <summary>A code path is not implemented.</summary>
    /// <remarks>Only <see cref="NotImplementedException"/> maps here; <see cref="NotSupportedException"/> usually means a caller misused an API, so it stays unclassified until a rule maps it.</remarks>
    public static readonly ErrorDefinition NotImplemented = new("NOT_IMPLEMENTED", ErrorCategory.Internal, "This operation is not implemented.")
    {
        Description = "A NotImplementedException reached the request boundary: a stub shipped.",
        HttpStatus = 501,
    };

    /// <summary>A response failed with HTTP 400 without an exception.</summary>
    public static readonly ErrorDefinition HttpBadRequest = new("HTTP_BAD_REQUEST", ErrorCategory.Validation, "The request is invalid.")
    {
        Description = "A handler or middleware answered 400 without throwing.",
    };

    /// <summary>A response failed with HTTP 401: the caller is not authenticated.</summary>
    public static readonly ErrorDefinition AuthenticationRequired = new("AUTHENTICATION_REQUIRED", ErrorCategory.Authentication, "Authentication is required.")
    {
        Description = "The request had no valid credentials (401 from authentication or a handler).",
    };

    /// <summary>A response failed with HTTP 403: the caller is not allowed.</summary>
    public static readonly ErrorDefinition HttpForbidden = new("HTTP_FORBIDDEN", ErrorCategory.Authorization, "You are not allowed to perform this operation.")
    {
        Description = "The caller is authenticated but an authorization policy or handler refused the request (403).",
    };

    /// <summary>A response failed with HTTP 404.</summary>
    public static readonly ErrorDefinition HttpNotFound = new("HTTP_NOT_FOUND", ErrorCategory.NotFound, "The requested resource was not found.")
    {
        Description = "No endpoint matched the request, or a handler answered 404 without throwing.",
    };

    /// <summary>A response failed with HTTP 405.</summary>
    public static readonly ErrorDefinition HttpMethodNotAllowed = new("HTTP_METHOD_NOT_ALLOWED", ErrorCategory.Validation, "The HTTP method is not allowed for this resource.")
    {
        Description = "An endpoint matched the path but not the HTTP method (405).",
        HttpStatus = 405,
    };

    /// <summary>A response failed with HTTP 406.</summary>
    public static readonly ErrorDefinition HttpNotAcceptable = new("HTTP_NOT_ACCEPTABLE", ErrorCategory.Validation, "None of the requested response formats is available.")
    {
        Description = "Content negotiation found no formatter for the request's Accept header (406).",
        HttpStatus = 406,
    };

    /// <summary>A response failed with HTTP 409.</summary>
    public static readonly ErrorDefinition HttpConflict = new("HTTP_CONFLICT", ErrorCategory.Conflict, "The request conflicts with the current state of the resource.")
    {
        Description = "A handler answered 409 without throwing.",
    };

    /// <summary>A response failed with HTTP 413.</summary>
    public static readonly ErrorDefinition HttpPayloadTooLarge = new("HTTP_PAYLOAD_TOO_LARGE", ErrorCategory.Validation, "The request body is too large.")
    {
        Description = "The request body exceeded the server's size limit (413).",
        HttpStatus = 413,
    };

    /// <summary>A response failed with HTTP 415.</summary>
    public static readonly ErrorDefinition HttpUnsupportedMediaType = new("HTTP_UNSUPPORTED_MEDIA_TYPE", ErrorCategory.Validation, "The request body's media type is not supported.")
    {
        Description = "The endpoint does not accept the request's Content-Type (415).",
        HttpStatus = 415,
    };

    /// <summary>A response failed with a 4xx status that has no more specific code.</summary>
    public static readonly ErrorDefinition HttpClientError = new("HTTP_CLIENT_ERROR", ErrorCategory.Validation, "The request could not be processed.")
    {
        Description = "A handler answered a 4xx status that has no specific built-in code (e.g. 408, 410, 422) without throwing. The response status is exported alongside the code.",
    };

    /// <summary>The caller exceeded a rate limit (HTTP 429).</summary>
    public static readonly ErrorDefinition RateLimited = new("RATE_LIMITED", ErrorCategory.RateLimited, "Too many requests; try again later.")
    {
        Description = "A rate limiter or handler answered 429.",
        Retryable = true,
    };

    /// <summary>A response failed with a 5xx status without an exception.</summary>
    public static readonly ErrorDefinition HttpServerError = new("HTTP_SERVER_ERROR", ErrorCategory.Internal, "An unexpected error occurred.")
    {
        Description = "A handler answered 500 (or a 5xx status without a more specific code) without throwing. The response status is exported alongside the code.",
    };

    /// <summary>The service is temporarily unable to handle requests (HTTP 503).</summary>
    public static readonly ErrorDefinition ServiceUnavailable = new("SERVICE_UNAVAILABLE", ErrorCategory.Internal, "The service is temporarily unavailable.")
    {
        Description = "A handler, health gate or load shedder answered 503 without throwing.",
        HttpStatus = 503,
        Retryable = true,
    };

    // Declared last: static field initializers run in text order, and this one reads all of the above.
    private static readonly ReadOnlyCollection<ErrorDefinition> AllDefinitions = new(
    [
        Unclassified, OperationTimeout, RequestCancelled,
        DependencyTimeout, DependencyHttpClientError, DependencyHttpServerError, DependencyHttpFailure,
        DependencyResilienceTimeout, DependencyCircuitOpen, DependencyRateLimited,
        ConnectivityDns, ConnectivitySocket,
        ValidationMalformedJson, ValidationFormat, ValidationFailed, InvalidArgument,
        StorageDatabase, StorageDatabaseTransient, StorageIo,
        AccessDenied, ConfigurationInvalid, NotImplemented,
        HttpBadRequest, AuthenticationRequired, HttpForbidden, HttpNotFound, HttpMethodNotAllowed, HttpNotAcceptable,
        HttpConflict, HttpPayloadTooLarge, HttpUnsupportedMediaType, HttpClientError, RateLimited,
        HttpServerError, ServiceUnavailable,
    ]);

    /// <summary>The full list of built-in definitions.</summary>
    /// <returns>Every built-in definition, in declaration order.</returns>
    public static IReadOnlyList<ErrorDefinition> All() => AllDefinitions;
}
