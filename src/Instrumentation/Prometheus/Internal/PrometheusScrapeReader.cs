using ErrorTelemetry.Diagnostics;
using OpenTelemetry.Metrics;

namespace ErrorTelemetry.Prometheus.Internal;

/// <summary>
/// The <see cref="MetricReader"/> behind <c>MapErrorTelemetryPrometheusEndpoint</c>: cumulative temporality, no timer; it
/// collects when a scrape asks for it (and when the MeterProvider is flushed or shut down).
/// </summary>
/// <remarks>
/// Thread-safe: concurrent scrapes are serialized, and a scrape that waited while another collection ran reuses that
/// collection's result when it started after the waiting scrape arrived (so it is as fresh as a new collection).
/// Results are additionally reused for <c>responseCacheDuration</c>, which defaults to zero (off).
/// <c>ScrapeAsync</c> throws only <see cref="OperationCanceledException"/> when the caller cancels.
/// </remarks>
internal sealed class PrometheusScrapeReader : BaseExportingMetricReader
{
    private const int CollectTimeoutMilliseconds = 10_000;

    private readonly PrometheusScrapeExporter _exporter;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _responseCacheDuration;

    // Never disposed: a scrape may still release it while the MeterProvider disposes this reader at shutdown, and a
    // SemaphoreSlim whose AvailableWaitHandle is never read holds no unmanaged resource.
    private readonly SemaphoreSlim _gate = new(1, 1);
    // One collection's payloads in every format (a fixed pair, so the cache is bounded): a scrape in either format
    // reuses a fresh collection made for the other.
    private PrometheusPayloads? _lastPayloads;
    private long _lastCollectStarted;
    private long _lastCollectCompleted;
    private int _collections;

    public PrometheusScrapeReader(TimeProvider? timeProvider = null, TimeSpan responseCacheDuration = default)
        : this(new PrometheusScrapeExporter(), timeProvider ?? TimeProvider.System, responseCacheDuration)
    {
    }

    private PrometheusScrapeReader(PrometheusScrapeExporter exporter, TimeProvider timeProvider, TimeSpan responseCacheDuration)
        : base(exporter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(responseCacheDuration, TimeSpan.Zero);
        _exporter = exporter;
        _timeProvider = timeProvider;
        _responseCacheDuration = responseCacheDuration;

        // Prometheus computes rates from ever-growing counters; delta points would look like constant resets.
        TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
    }

    /// <summary>Gets how many collections actually ran (scrapes served from a previous result do not count).</summary>
    public int CollectionCount => Volatile.Read(ref _collections);

    /// <summary>
    /// Returns the current metrics in the Prometheus text format 0.0.4, or <see langword="null"/> when they cannot be
    /// collected (the reader is not attached to a built MeterProvider, or the provider was shut down).
    /// </summary>
    public ValueTask<byte[]?> ScrapeAsync(CancellationToken cancellationToken) => ScrapeAsync(PrometheusFormat.Text, cancellationToken);

    /// <summary>
    /// Returns the current metrics in <paramref name="format"/>, or <see langword="null"/> when they cannot be
    /// collected (the reader is not attached to a built MeterProvider, or the provider was shut down).
    /// </summary>
    public async ValueTask<byte[]?> ScrapeAsync(PrometheusFormat format, CancellationToken cancellationToken)
    {
        var arrived = _timeProvider.GetTimestamp();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_lastPayloads is not null && IsFreshFor(arrived))
            {
                return _lastPayloads.Get(format);
            }

            var started = _timeProvider.GetTimestamp();
            var payloads = _exporter.CollectPayloads(CollectTimeoutMilliseconds);
            Interlocked.Increment(ref _collections);
            if (payloads is null)
            {
                ErrorTelemetryEventSource.Log.ExporterFailed(nameof(PrometheusScrapeReader), "collection failed: the reader is not attached to a running MeterProvider");
                return null;
            }

            _lastPayloads = payloads;
            _lastCollectStarted = started;
            _lastCollectCompleted = _timeProvider.GetTimestamp();
            return payloads.Get(format);
        }
        finally
        {
            _gate.Release();
        }
    }

    private bool IsFreshFor(long arrived)
    {
        // A collection that began after this scrape arrived already contains every measurement the scrape could see.
        if (_lastCollectStarted > arrived)
        {
            return true;
        }

        return _responseCacheDuration > TimeSpan.Zero
            && _timeProvider.GetElapsedTime(_lastCollectCompleted) < _responseCacheDuration;
    }
}
