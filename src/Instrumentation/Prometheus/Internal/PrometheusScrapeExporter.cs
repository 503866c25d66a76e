using ErrorTelemetry.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace ErrorTelemetry.Prometheus.Internal;

/// <summary>
/// The exporter behind the scrape endpoint: the SDK calls <see cref="Export"/> synchronously from inside
/// <see cref="Collect"/>, and the exporter keeps the rendered text for the caller of <see cref="Collect"/>.
/// </summary>
/// <remarks>
/// Thread-safe: the SDK never runs two collections of one reader at once (a concurrent Collect joins the running one),
/// and the rendered text is published as an immutable array. Never throws from <see cref="Export"/>; a rendering failure
/// is reported through <see cref="ErrorTelemetryEventSource"/> and fails the collection.
/// </remarks>
// Push as well as pull: a pull-only reader makes MeterProvider.ForceFlush() return false (the SDK refuses collections
// outside a scrape), which would turn every "flush, then assert" in applications and tests into a false failure. A
// flush renders the text once, which is cheap, and the next scrape collects again anyway.
[ExportModes(ExportModes.Push | ExportModes.Pull)]
internal sealed class PrometheusScrapeExporter : BaseExporter<Metric>, IPullMetricExporter
{
    private readonly PrometheusTextSerializer _serializer = new();
    private byte[]? _latest;

    /// <summary>Gets or sets the delegate the SDK installs to run a collection of the owning reader (null once disposed).</summary>
    public Func<int, bool>? Collect { get; set; }

    /// <inheritdoc/>
    public override ExportResult Export(in Batch<Metric> batch)
    {
        try
        {
            Volatile.Write(ref _latest, _serializer.Serialize(batch, ParentProvider?.GetResource()));
            return ExportResult.Success;
        }
        catch (Exception exception)
        {
            ErrorTelemetryEventSource.Log.ExporterFailed(nameof(PrometheusScrapeExporter), exception);
            return ExportResult.Failure;
        }
    }

    /// <summary>
    /// Runs one collection and returns the rendered text, or <see langword="null"/> when the collection failed (no
    /// MeterProvider attached yet, provider shut down, or rendering failed).
    /// </summary>
    public byte[]? CollectPayload(int timeoutMilliseconds)
    {
        // Without a parent provider the SDK reports an (empty) collection as successful; that is not a valid scrape.
        var collect = Collect;
        if (collect is null || ParentProvider is null)
        {
            return null;
        }

        if (!collect(timeoutMilliseconds))
        {
            return null;
        }

        // The latest text is from this collection, or from one that was already running when it was requested (the SDK
        // joins concurrent collections). Nothing rendered yet means there was nothing to export.
        // A separate serializer: the shared one may be inside an Export started by a concurrent ForceFlush.
        return Volatile.Read(ref _latest) ?? new PrometheusTextSerializer().SerializeEmpty(ParentProvider?.GetResource());
    }
}
