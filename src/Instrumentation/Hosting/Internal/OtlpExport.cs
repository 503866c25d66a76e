using Microsoft.Extensions.Configuration;

namespace ErrorTelemetry.Hosting.Internal;

/// <summary>
/// Decides whether to export over OTLP: on when an OTLP endpoint is configured the standard way, or when
/// <c>ErrorTelemetry:ExportOtlp</c> says so. Off otherwise, so a service with no collector does not retry forever.
/// </summary>
internal static class OtlpExport
{
    public const string SwitchKey = "ErrorTelemetry:ExportOtlp";

    private static readonly string[] EndpointKeys =
    [
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
        "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
    ];

    public static bool IsEnabled(IConfiguration? configuration, IConfiguration? section)
    {
        var value = section?["ExportOtlp"] ?? Read(configuration, SwitchKey);
        if (!string.IsNullOrWhiteSpace(value))
        {
            return bool.TryParse(value, out var enabled)
                ? enabled
                : throw new InvalidOperationException(
                    $"{SwitchKey} is '{value}', which is not a boolean. Set it to true or false, or remove it to export exactly when OTEL_EXPORTER_OTLP_ENDPOINT is set.");
        }

        foreach (var key in EndpointKeys)
        {
            if (!string.IsNullOrWhiteSpace(Read(configuration, key)))
            {
                return true;
            }
        }

        return false;
    }

    private static string? Read(IConfiguration? configuration, string key) =>
        configuration?[key] ?? Environment.GetEnvironmentVariable(key.Replace(":", "__", StringComparison.Ordinal));
}
