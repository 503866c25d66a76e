using ErrorTelemetry.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;

namespace ErrorTelemetry.Tests.Hosting;

/// <summary>A worker: <c>Host.CreateApplicationBuilder()</c>, <c>AddErrorTelemetry()</c> and background services, no web server.</summary>
// Hosts listen to process-wide sources and meters: never alongside other hosts.
[Collection(TestWebHost.Collection)]
public class ErrorTelemetryHostApplicationBuilderExtensionsTests
{
    private static readonly ErrorDefinition FeedUnavailable = new("FEED_UNAVAILABLE", ErrorCategory.Dependency, "The price feed is unavailable.");

    private static readonly ErrorDefinition PriceRejected = new("PRICE_REJECTED", ErrorCategory.BusinessRule, "A price was rejected.");

    [Fact]
    public async Task AddErrorTelemetry_WorkerLogsCaughtFailuresAndKeepsRunning_LogsCodedAndCounted()
    {
        await using var worker = await Worker.StartAsync<SyncService>();
        var service = worker.Services.GetServices<IHostedService>().OfType<SyncService>().Single();
        await service.Completed.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(worker.Lifetime.ApplicationStopping.IsCancellationRequested);
        var failures = worker.Logs.Items.Where(l => l.Category?.EndsWith('.' + nameof(SyncService), StringComparison.Ordinal) == true && l.Level >= LogLevel.Error).ToList();
        // The last line names no failure: exported as written, not counted.
        Assert.Equal([null, "FEED_UNAVAILABLE", "FEED_UNAVAILABLE", "OPERATION_TIMEOUT", "PRICE_REJECTED"], failures.Select(l => l.Attribute("error.code") as string).Order());
        Assert.All(failures.Where(l => l.Attribute("error.code") is not null), l => Assert.Matches("^[0-9a-f]{16}$", l.Attribute("error.fingerprint") as string));
        Assert.Equal(2, worker.FailureCount("FEED_UNAVAILABLE"));
        Assert.Equal(1, worker.FailureCount("OPERATION_TIMEOUT"));
        Assert.Equal(1, worker.FailureCount("PRICE_REJECTED"));
        Assert.Equal(0, worker.FailureCount("UNCLASSIFIED"));
    }

    [Fact]
    public async Task AddErrorTelemetry_BackgroundServiceThrowsOutOfExecute_HostsLogCodedAndCountedOnce()
    {
        await using var worker = await Worker.StartAsync<FailingService>();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (worker.Lifetime.ApplicationStopping.Register(() => stopping.TrySetResult()))
        {
            await stopping.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        var hostLogs = worker.Logs.Items.Where(l => l.Category == "Microsoft.Extensions.Hosting.Internal.Host" && l.Level >= LogLevel.Error).ToList();
        Assert.NotEmpty(hostLogs);
        Assert.All(hostLogs, l => Assert.Equal("FEED_UNAVAILABLE", l.Attribute("error.code")));
        Assert.Equal(1, worker.FailureCount("FEED_UNAVAILABLE"));
        Assert.Equal(1, worker.FailureCount());
    }

    /// <summary>Fails four ways, logs each and carries on, as a polling worker does.</summary>
    private sealed class SyncService(ILogger<SyncService> logger) : BackgroundService
    {
        private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Completed => _completed.Task;

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            Action[] rounds =
            [
                () => throw FeedUnavailable.ToException(),
                () => throw new TimeoutException("the feed did not answer"),
                () => throw FeedUnavailable.ToException(),
            ];
            foreach (var round in rounds)
            {
                await Task.Yield();
                try
                {
                    round();
                }
                catch (Exception ex)
                {
                    logger.LogError(ex, "Price sync failed; retrying on the next round");
                }
            }

            logger.LogError(new EventId(3, "PRICE_REJECTED"), "Price of {Sku} is negative; skipped", "SKU-1");
            logger.LogError("The feed sent an empty page; nothing to do");
            _completed.TrySetResult();
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
    }

    private sealed class FailingService : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Yield();
            throw FeedUnavailable.ToException();
        }
    }

    private sealed class Worker : IAsyncDisposable
    {
        private readonly IHost _host;
        private readonly InMemoryExporter<Metric, List<MetricPointSnapshot>> _metrics;

        private Worker(IHost host, InMemoryExporter<LogRecord, LogSnapshot> logs, InMemoryExporter<Metric, List<MetricPointSnapshot>> metrics)
        {
            _host = host;
            Logs = logs;
            _metrics = metrics;
        }

        public IServiceProvider Services => _host.Services;

        public IHostApplicationLifetime Lifetime => Services.GetRequiredService<IHostApplicationLifetime>();

        public InMemoryExporter<LogRecord, LogSnapshot> Logs { get; }

        public static async Task<Worker> StartAsync<TService>()
            where TService : class, IHostedService
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ErrorTelemetry:ExportOtlp"] = "false" });
            builder.Services.AddHostedService<TService>();
            var logs = new InMemoryExporter<LogRecord, LogSnapshot>(LogSnapshot.From);
            var metrics = new InMemoryExporter<Metric, List<MetricPointSnapshot>>(MetricPointSnapshot.From);
            builder.AddErrorTelemetry(o => o.AddDefinition(FeedUnavailable).AddDefinition(PriceRejected))
                .WithLogging(l => l.AddProcessor(new SimpleLogRecordExportProcessor(logs)))
                .WithMetrics(m => m.AddReader(new BaseExportingMetricReader(metrics) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative }));

            var host = builder.Build();
            await host.StartAsync();
            return new Worker(host, logs, metrics);
        }

        public long FailureCount(string? code = null)
        {
            _metrics.Clear();
            Services.GetRequiredService<MeterProvider>().ForceFlush();
            return _metrics.Items.SelectMany(batch => batch)
                .Where(p => p.Metric == "errortelemetry.failures" && (code is null || Equals(p.Tags[ErrorTelemetryAttributes.Code], code)))
                .Sum(p => p.Value);
        }

        public async ValueTask DisposeAsync()
        {
            await _host.StopAsync();
            _host.Dispose();
        }
    }
}
