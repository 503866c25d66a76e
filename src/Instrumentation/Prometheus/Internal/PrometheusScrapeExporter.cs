using ErrorTelemetry.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace ErrorTelemetry.Prometheus.Internal;

/// <summary>
/// The exporter behind the scrape endpoint: the SDK calls <see cref="Export"/> synchronously from inside
/// <see cref="Collect"/>, and the exporter keeps the rendered payloads for the caller of <see cref="Collect"/>.
/// </summary>
/// <remarks>
/// Thread-safe: the SDK never runs two collections of one reader at once (a concurrent Collect joins the running one),
/// and the rendered payloads are published together as one immutable object. Never throws from <see cref="Export"/>; a rendering failure
/// is reported through <see cref="ErrorTelemetryEventSource"/> and fails the collection.
/// </remarks>
// Push as well as pull: a pull-only reader makes MeterProvider.ForceFlush() return false (the SDK refuses collections
// outside a scrape), which would turn every "flush, then assert" in applications and tests into a false failure. A
// flush renders the text once, which is cheap, and the next scrape collects again anyway.
[ExportModes(ExportModes.Push | ExportModes.Pull)]
internal sealed class PrometheusScrapeExporter : BaseExporter<Metric>, IPullMetricExporter
{
    private readonly PrometheusTextSerializer _text = new(PrometheusFormat.Text);
    private readonly PrometheusTextSerializer _openMetrics = new(PrometheusFormat.OpenMetrics);
    private PrometheusPayloads? _latest;

    /// <summary>Gets or sets the delegate the SDK installs to run a collection of the owning reader (null once disposed).</summary>
    public Func<int, bool>? Collect { get; set; }

    /// <inheritdoc/>
    public override ExportResult Export(in Batch<Metric> batch)
    {
        try
        {
            // Both formats from every collection: the metric points are only valid during Export, and a collection a
            // scrape joins may have been started by a scrape (or a flush) that wanted the other format.
            var resource = ParentProvider?.GetResource();
            Volatile.Write(ref _latest, new PrometheusPayloads(_text.Serialize(batch, resource), _openMetrics.Serialize(batch, resource)));
            return ExportResult.Success;
        }
        catch (Exception exception)
        {
            ErrorTelemetryEventSource.Log.ExporterFailed(nameof(PrometheusScrapeExporter), exception);
            return ExportResult.Failure;
        }
    }

    /// <summary>
    /// Runs one collection and returns the rendered payloads, or <see langword="null"/> when the collection failed (no
    /// MeterProvider attached yet, provider shut down, or rendering failed).
    /// </summary>
    public PrometheusPayloads? CollectPayloads(int timeoutMilliseconds)
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

        // The latest payloads are from this collection, or from one that was already running when it was requested (the SDK
        // joins concurrent collections). Nothing rendered yet means there was nothing to export.
        // A separate serializer: the shared one may be inside an Export started by a concurrent ForceFlush.
        if (Volatile.Read(ref _latest) is { } latest)
        {
            return latest;
        }

        var resource = ParentProvider?.GetResource();
        return new PrometheusPayloads(
            new PrometheusTextSerializer(PrometheusFormat.Text).SerializeEmpty(resource),
            new PrometheusTextSerializer(PrometheusFormat.OpenMetrics).SerializeEmpty(resource));
    }
}

/// <summary>One collection rendered in every format the endpoint serves.</summary>
internal sealed record PrometheusPayloads(byte[] Text, byte[] OpenMetrics)
{
    /// <summary>Gets the payload in <paramref name="format"/>.</summary>
    public byte[] Get(PrometheusFormat format) => format == PrometheusFormat.OpenMetrics ? OpenMetrics : Text;
}
