namespace ErrorTelemetry;

/// <summary>
/// The names of the attributes ErrorTelemetry puts on spans and log records: the telemetry contract that
/// dashboards, alerts and queries rely on. See <see cref="ErrorTelemetryVersion.SchemaUrl"/>.
/// </summary>
public static class ErrorTelemetryAttributes
{
    /// <summary>The semantic-conventions error type; ErrorTelemetry sets it to the error code.</summary>
    public const string ErrorType = "error.type";

    /// <summary>The catalogued error code, e.g. <c>DEPENDENCY_DB_TIMEOUT</c>.</summary>
    public const string Code = "error.code";

    /// <summary>The category in lower snake case, e.g. <c>not_found</c>.</summary>
    public const string Category = "error.category";

    /// <summary>The severity in lower case, e.g. <c>critical</c>.</summary>
    public const string Severity = "error.severity";

    /// <summary>A short, stable grouping key of the failure (16 hex characters).</summary>
    public const string Fingerprint = "error.fingerprint";

    /// <summary>Whether the failed operation may succeed if retried (boolean).</summary>
    public const string Retryable = "error.retryable";

    /// <summary>The code of the failure that caused this one, e.g. a downstream service's code.</summary>
    public const string CauseCode = "error.cause.code";

    /// <summary>The prefix of context attached to an exception on its way up, e.g. <c>error.context.order_id</c>.</summary>
    public const string ContextPrefix = "error.context.";

    /// <summary>The correlation id shared by every span and log record of one request across services.</summary>
    public const string CorrelationId = "correlation.id";

    /// <summary>The operation a failure is counted under: the span name, e.g. <c>GET /orders/{id}</c>.</summary>
    public const string Operation = "operation";
}
