using ErrorTelemetry.Correlation.Internal;

namespace ErrorTelemetry;

/// <summary>
/// How ErrorTelemetry accepts, generates and forwards the correlation id, bound from the
/// <c>ErrorTelemetry:Correlation</c> configuration section.
/// </summary>
/// <remarks>Configure at start; not thread-safe while being configured. Validated when the host starts.</remarks>
public sealed class CorrelationOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "ErrorTelemetry:Correlation";

    /// <summary>
    /// Gets or sets the HTTP header that carries the correlation id: read from requests, echoed on responses and sent
    /// by every <c>HttpClient</c> made by <c>IHttpClientFactory</c>. Use the same name in every service.
    /// </summary>
    /// <value>The default is <c>X-Correlation-ID</c>.</value>
    public string HeaderName { get; set; } = CorrelationIds.DefaultHeaderName;
}
