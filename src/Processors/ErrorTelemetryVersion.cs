namespace ErrorTelemetry;

/// <summary>
/// The identity of the ErrorTelemetry instrumentation scope and the version of its telemetry contract.
/// </summary>
public static class ErrorTelemetryVersion
{
    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/> the library emits through.</summary>
    public const string ScopeName = "ErrorTelemetry";

    /// <summary>The schema URL of the telemetry contract (attribute and metric names) this version emits.</summary>
    public const string SchemaUrl = "https://errortelemetry.dev/schemas/1.0.0";

    /// <summary>Gets the informational version of the library, carried as the instrumentation scope version.</summary>
    public static string LibraryVersion { get; } =
        typeof(ErrorTelemetryVersion).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
