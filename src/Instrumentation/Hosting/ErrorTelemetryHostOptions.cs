namespace ErrorTelemetry;

/// <summary>
/// How <c>AddErrorTelemetry()</c> describes the service and where it exports, bound from the <c>ErrorTelemetry</c>
/// configuration section. Standard <c>OTEL_*</c> variables keep working and take precedence: these settings never
/// shadow the SDK's own.
/// </summary>
/// <remarks>Configure at start; not thread-safe while being configured.</remarks>
public sealed class ErrorTelemetryHostOptions
{
    /// <summary>Gets or sets the <c>service.name</c> resource attribute, used when <c>OTEL_SERVICE_NAME</c> is not set.</summary>
    /// <value>The default is the host's application name.</value>
    public string? ServiceName { get; set; }

    /// <summary>Gets or sets the <c>service.version</c> resource attribute.</summary>
    /// <value>The default is the entry assembly's informational version.</value>
    public string? ServiceVersion { get; set; }

    /// <summary>Gets or sets the <c>deployment.environment.name</c> resource attribute.</summary>
    /// <value>The default is the host environment name (e.g. Production).</value>
    public string? DeploymentEnvironment { get; set; }
}
