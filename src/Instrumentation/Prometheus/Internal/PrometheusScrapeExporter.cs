using ErrorTelemetry.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace ErrorTelemetry.Prometheus.Internal;

/// <summary>
/// The pull exporter behind the scrape endpoint: the SDK calls <see cref="Export"/> synchronously from inside
/// <see cref="Collect"/>, and the exporter keeps the rendered text for the caller of <see cref="Collect"/>.
/// </summary>
/// <remarks>
/// Not thread-safe on its own: <see cref="PrometheusScrapeReader"/> serializes every call to <see cref="Collect"/>.
/// Never throws from <see cref="Export"/>; a rendering failure is reported through
/// <see cref="ErrorTelemetryEventSource"/> and fails the collection.
/// </remarks>
[ExportModes(ExportModes.Pull)]
internal sealed class PrometheusScrapeExporter : BaseExporter<Metric>, IPullMetricExporter
{
    private readonly PrometheusTextSerializer _serializer = new();
    private byte[]? _payload;

    /// <summary>Gets or sets the delegate the SDK installs to run a collection (a pull scope around the reader's Collect).</summary>
    public Func<int, bool>? Collect { get; set; }

    /// <inheritdoc/>
    public override ExportResult Export(in Batch<Metric> batch)
    {
        try
        {
            _payload = _serializer.Serialize(batch, ParentProvider?.GetResource());
            return ExportResult.Success;
        }
        catch (Exception exception)
        {
            ErrorTelemetryEventSource.Log.ExporterFailed(nameof(PrometheusScrapeExporter), exception);
            _payload = null;
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

        _payload = null;
        if (!collect(timeoutMilliseconds))
        {
            return null;
        }

        // A provider with no instruments may complete a collection without calling Export; the scrape is still valid.
        return _payload ?? _serializer.SerializeEmpty(ParentProvider?.GetResource());
    }
}
