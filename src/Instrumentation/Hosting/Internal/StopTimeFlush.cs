using ErrorTelemetry.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Hosting.Internal;

/// <summary>
/// Exports what the last moments before stop produced. OpenTelemetry.Extensions.Hosting's hosted service only
/// starts the providers and does nothing on stop, so without this a failure raised during shutdown waits in a
/// batch until disposal, which may never get that far.
/// </summary>
/// <remarks>
/// Bounded by the host's shutdown: traces, logs and metrics are flushed at once, each allowed at most
/// <see cref="HostOptions.ShutdownTimeout"/>, and the stop returns as soon as the host's stop token fires. A flush
/// that did not finish means the backend is not answering: the providers are then shut down without waiting, which
/// cancels the export in flight, so that disposing them (which waits up to 5 s per provider for a final export)
/// returns at once instead of waiting for the same dead backend again.
/// </remarks>
internal sealed class StopTimeFlush : IHostedService
{
    private readonly IServiceProvider _services;
    private readonly TimeSpan _shutdownTimeout;

    public StopTimeFlush(IServiceProvider services, IOptions<HostOptions> hostOptions)
    {
        _services = services;
        _shutdownTimeout = hostOptions.Value.ShutdownTimeout;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Registered first, so stopped last: every other hosted service has finished reporting by now.
        var tracer = _services.GetService<TracerProvider>();
        var logger = _services.GetService<LoggerProvider>();
        var meter = _services.GetService<MeterProvider>();
        var timeout = TimeoutMilliseconds(_shutdownTimeout);
        var flushes = Task.WhenAll(
            Task.Run(() => tracer?.ForceFlush(timeout) ?? true, CancellationToken.None),
            Task.Run(() => logger?.ForceFlush(timeout) ?? true, CancellationToken.None),
            Task.Run(() => meter?.ForceFlush(timeout) ?? true, CancellationToken.None));

        bool flushed;
        try
        {
            var results = await flushes.WaitAsync(cancellationToken).ConfigureAwait(false);
            flushed = results[0] && results[1] && results[2];
        }
        catch (OperationCanceledException)
        {
            flushed = false;
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(StopTimeFlush), ex);
            flushed = false;
        }

        if (!flushed)
        {
            ShutDownNow(tracer, logger, meter);
        }
    }

    private static void ShutDownNow(TracerProvider? tracer, LoggerProvider? logger, MeterProvider? meter)
    {
        // A zero timeout still cancels the exporter's pending request; disposal then finds the pipelines shut down.
        try
        {
            tracer?.Shutdown(0);
            logger?.Shutdown(0);
            meter?.Shutdown(0);
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(StopTimeFlush), ex);
        }
    }

    private static int TimeoutMilliseconds(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? Timeout.Infinite : (int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue);
}
