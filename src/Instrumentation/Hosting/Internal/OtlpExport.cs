using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
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

    /// <summary>
    /// The SDK's <c>UseOtlpExporter()</c>, made to step aside when the application calls it too (the .NET Aspire
    /// ServiceDefaults do whenever <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set), before or after us.
    /// </summary>
    /// <remarks>
    /// <c>OpenTelemetry.Exporter.OpenTelemetryProtocol</c> counts its calls through a marker service and stops the host
    /// at start when there are two (<c>NotSupportedException: Multiple calls to UseOtlpExporter…</c>); two calls would
    /// also export everything twice. So our call's marker is taken out again, and its provider callbacks run only
    /// when no marker is left at start, i.e. when the application did not call it: then one exporter is ours, else
    /// the application's (with its own settings). A signal-specific <c>AddOtlpExporter()</c> of the application is
    /// not detectable this way: set <c>ErrorTelemetry:ExportOtlp=false</c> next to it.
    /// </remarks>
    public static void UseUnlessTheApplicationDoes(OpenTelemetryBuilder builder)
    {
        var services = builder.Services;
        var first = services.Count;
        builder.UseOtlpExporter();

        Type? marker = null;
        for (var i = services.Count - 1; i >= first; i--)
        {
            var type = services[i].ServiceType;
            if (type.Name == "UseOtlpExporterRegistration" && type.Assembly == typeof(OpenTelemetryBuilderOtlpExporterExtensions).Assembly)
            {
                marker = type;
                services.RemoveAt(i);
            }
        }

        if (marker is null)
        {
            // The SDK no longer marks its calls this way: nothing to step aside from.
            return;
        }

        var inert = InertCallbacks();
        for (var i = first; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.ImplementationInstance is { } callback && inert.TryGetValue(descriptor.ServiceType, out var nothing)
                && callback.GetType() == nothing.GetType())
            {
                services[i] = ServiceDescriptor.Singleton(descriptor.ServiceType, sp => sp.GetService(marker) is null ? callback : nothing);
            }
        }
    }

    /// <summary>
    /// A do-nothing provider callback of each signal, keyed by the (internal) service type the SDK registers
    /// callbacks under: made through the SDK's public extensions, so no internal type is named here.
    /// </summary>
    private static Dictionary<Type, object> InertCallbacks()
    {
        var scratch = new ServiceCollection();
        scratch.ConfigureOpenTelemetryTracerProvider(static (_, _) => { });
        scratch.ConfigureOpenTelemetryMeterProvider(static (_, _) => { });
        scratch.ConfigureOpenTelemetryLoggerProvider(static (_, _) => { });
        var inert = new Dictionary<Type, object>();
        foreach (var descriptor in scratch)
        {
            if (descriptor.ImplementationInstance is { } instance)
            {
                inert[descriptor.ServiceType] = instance;
            }
        }

        return inert;
    }
}
