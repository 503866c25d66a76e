using ErrorTelemetry.Health.Internal;

namespace ErrorTelemetry;

/// <summary>
/// The health endpoints <c>app.UseErrorTelemetry()</c> maps, bound from the <c>ErrorTelemetry:Health</c>
/// configuration section.
/// </summary>
/// <remarks>
/// Configure at start; not thread-safe while being configured. Validated when the host starts: an invalid path
/// stops the host with a message that names the key and the fix.
/// </remarks>
public sealed class ErrorTelemetryHealthOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "ErrorTelemetry:Health";

    /// <summary>
    /// The tag of health checks that the liveness endpoint runs. Liveness says only that the process runs, so tag a
    /// check with it only when failing it means the process must be restarted; dependency checks belong to readiness.
    /// </summary>
    public const string LiveTag = "live";

    /// <summary>Gets or sets a value indicating whether the liveness and readiness endpoints are mapped.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets the path of the liveness endpoint. It runs only the checks tagged <see cref="LiveTag"/>
    /// (none by default), so it answers 200 as long as the process serves requests.
    /// </summary>
    /// <value>The default is <c>/health/live</c>.</value>
    public string LivePath { get; set; } = HealthConstants.DefaultLivePath;

    /// <summary>
    /// Gets or sets the path of the readiness endpoint. It runs every registered health check and answers 503 when
    /// any is unhealthy.
    /// </summary>
    /// <value>The default is <c>/health/ready</c>.</value>
    public string ReadyPath { get; set; } = HealthConstants.DefaultReadyPath;
}
