namespace ErrorTelemetry.Correlation.Internal;

/// <summary>The names other parts of ErrorTelemetry (problem details, triage) use to find the correlation of a request.</summary>
internal static class CorrelationKeys
{
    /// <summary><c>HttpContext.Items</c> key of the request's correlation id (a validated <see cref="string"/>).</summary>
    public const string CorrelationIdItem = "ErrorTelemetry.CorrelationId";

    /// <summary>
    /// The response header that names an error response's code. A caller's HttpClient span reads it before the span
    /// ends (the problem body is read only after), so the caller's client span can carry <c>error.cause.code</c>.
    /// </summary>
    public const string ErrorCodeHeader = "X-Error-Code";
}
