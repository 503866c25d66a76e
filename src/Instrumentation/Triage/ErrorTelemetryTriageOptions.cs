using System.ComponentModel.DataAnnotations;
using ErrorTelemetry.Triage.Internal;

namespace ErrorTelemetry;

/// <summary>
/// The triage endpoint: recent failures grouped by error code, from a bounded in-memory buffer, and the error
/// catalog as JSON. Bound from the <c>ErrorTelemetry:Triage</c> configuration section.
/// </summary>
/// <remarks>
/// Off unless <see cref="AuthorizationPolicy"/> names a policy: without one, the endpoints are not mapped and no
/// failures are buffered. Configure at start; not thread-safe while being configured. Validated when the host
/// starts: an invalid value stops the host with a message that names the key and the fix.
/// </remarks>
public sealed class ErrorTelemetryTriageOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "ErrorTelemetry:Triage";

    /// <summary>
    /// Gets or sets the path of the failures endpoint. The catalog is served at the same path followed by
    /// <c>/catalog</c>.
    /// </summary>
    /// <value>The default is <c>/_errortelemetry/failures</c>.</value>
    public string Path { get; set; } = TriageConstants.DefaultPath;

    /// <summary>
    /// Gets or sets the name of the authorization policy a caller must satisfy. The policy is the application's
    /// (<c>AddAuthorization(o =&gt; o.AddPolicy(...))</c>); unauthenticated callers get 401, others it refuses 403.
    /// </summary>
    /// <value>The default is <see langword="null"/>: the triage endpoints are off (not mapped, so 404).</value>
    public string? AuthorizationPolicy { get; set; }

    /// <summary>Gets or sets the sliding window the per-code <c>countInWindow</c> covers.</summary>
    /// <value>The default is 15 minutes. Allowed: 1 minute to 24 hours.</value>
    public TimeSpan Window { get; set; } = TriageConstants.DefaultWindow;

    /// <summary>
    /// Gets or sets the most distinct error codes the buffer keeps; when a new code arrives at the limit, the code
    /// seen least recently is forgotten.
    /// </summary>
    /// <value>The default is 500. Allowed: 1 to 10,000.</value>
    [Range(TriageConstants.MinMaxCodes, TriageConstants.MaxMaxCodes)]
    public int MaxCodes { get; set; } = TriageConstants.DefaultMaxCodes;

    /// <summary>Gets or sets how many recent samples (trace id, correlation id, operation, fingerprint, time) are kept per code.</summary>
    /// <value>The default is 20. Allowed: 1 to 200.</value>
    [Range(TriageConstants.MinSamplesPerCode, TriageConstants.MaxSamplesPerCode)]
    public int SamplesPerCode { get; set; } = TriageConstants.DefaultSamplesPerCode;

    /// <summary>
    /// Gets or sets the most distinct routes (operations) counted per code; further routes are counted together
    /// under <c>(other)</c>. The same limit applies to distinct cause codes.
    /// </summary>
    /// <value>The default is 50. Allowed: 1 to 1,000.</value>
    [Range(TriageConstants.MinMaxRoutesPerCode, TriageConstants.MaxMaxRoutesPerCode)]
    public int MaxRoutesPerCode { get; set; } = TriageConstants.DefaultMaxRoutesPerCode;

    /// <summary>
    /// Gets or sets the URL of a trace in the team's trace viewer, with <c>{traceId}</c> (32 hex digits) and
    /// optionally <c>{spanId}</c> (16 hex digits) where the ids go. Each sample trace id on the triage endpoint and
    /// page then links to its trace. Examples: Jaeger <c>https://jaeger.example.com/trace/{traceId}?uiFind={spanId}</c>;
    /// Grafana Tempo (Explore) <c>https://grafana.example.com/explore?left={"datasource":"tempo","queries":[{"refId":"A","queryType":"traceql","query":"{traceId}"}]}</c>;
    /// the Aspire dashboard <c>http://localhost:18888/traces/detail/{traceId}?spanId={spanId}</c>.
    /// </summary>
    /// <remarks>
    /// Links appear only on the triage endpoint, which the authorization policy guards; never in responses to the
    /// application's own callers (problem details, error pages, headers).
    /// </remarks>
    /// <value>The default is <see langword="null"/>: trace ids are shown without links.</value>
    public string? TraceLinkTemplate { get; set; }

    /// <summary>Gets a value indicating whether the triage endpoints are on (an authorization policy is configured).</summary>
    internal bool IsEnabled => !string.IsNullOrWhiteSpace(AuthorizationPolicy);
}
