using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

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

    /// <summary>The setting that turns on the SDK's disk retry: the directory where failed exports wait.</summary>
    public const string DiskRetryDirectoryKey = "ErrorTelemetry:OtlpDiskRetryDirectory";

    /// <summary>The batch queue size ErrorTelemetry defaults to for traces and logs (the SDK's is 2048).</summary>
    public const int DefaultMaxQueueSize = 16384;

    private const string RetryKey = "OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY";
    private const string DiskRetryPathKey = "OTEL_DOTNET_EXPERIMENTAL_OTLP_DISK_RETRY_DIRECTORY_PATH";

    /// <summary>
    /// Makes "nothing lost to a flaky backend" the default: the SDK's OTLP retry on (in memory, or on disk when
    /// <see cref="DiskRetryDirectoryKey"/> names a directory) and batch queues large enough to hold what arrives
    /// during a retry window. Added as the lowest-priority configuration source, under the SDK's own variable
    /// names, so any OTEL_* value the application sets (environment, appsettings, command line) still wins.
    /// </summary>
    public static void AddDefaults(IConfigurationBuilder? builder, IConfiguration? section)
    {
        if (builder is null)
        {
            return;
        }

        var diskDirectory = section?["OtlpDiskRetryDirectory"];
        var defaults = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            [RetryKey] = string.IsNullOrWhiteSpace(diskDirectory) ? "in_memory" : "disk",
            ["OTEL_BSP_MAX_QUEUE_SIZE"] = DefaultMaxQueueSize.ToString(CultureInfo.InvariantCulture),
            ["OTEL_BLRP_MAX_QUEUE_SIZE"] = DefaultMaxQueueSize.ToString(CultureInfo.InvariantCulture),
        };
        if (!string.IsNullOrWhiteSpace(diskDirectory))
        {
            defaults[DiskRetryPathKey] = diskDirectory;
        }

        builder.Sources.Insert(0, new MemoryConfigurationSource { InitialData = defaults });
    }

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
