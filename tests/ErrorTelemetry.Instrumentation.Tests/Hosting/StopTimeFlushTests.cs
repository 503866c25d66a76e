using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Tests.Hosting;

// Hosts listen to process-wide sources (Microsoft.AspNetCore, System.Net.Http): never alongside other hosts.
[Collection(TestWebHost.Collection)]
public class StopTimeFlushTests
{
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(2);

    // Stop and disposal together, including thread-pool scheduling on a loaded machine. Less than the 5 s that
    // disposing one provider waits for an export still in flight (the SDK's own bound), so a stop that waits for the
    // backend after the shutdown timeout (12 s here: 5 s for the traces, 5 s for the logs) still fails.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(3);

    // How long the exporter may take to reach the black hole before the stop is timed, on a loaded machine.
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task StopAndDispose_BackendAcceptsAndNeverAnswers_FinishWithinShutdownTimeout()
    {
        using var blackHole = new BlackHole();
        var source = new ActivitySource("BlackHole." + Guid.NewGuid().ToString("N"));
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = blackHole.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        builder.AddErrorTelemetry().WithTracing(t => t.AddSource(source.Name));

        var host = builder.Build();
        await host.StartAsync();
        using (var job = source.StartActivity("job"))
        {
            job!.AddException(new TimeoutException());
        }

        // The span's export is sent now and left hanging on the black hole (a flush that does not wait), so the stop is
        // timed with an export already in flight, however slowly a loaded machine connects; the log record below is
        // first exported by the stop itself.
        host.Services.GetRequiredService<TracerProvider>().ForceFlush(0);
        await blackHole.FirstAccepted.WaitAsync(ConnectTimeout);
        host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Job").LogError(new TimeoutException(), "Job failed");

        var stopwatch = Stopwatch.StartNew();
        await host.StopAsync();
        host.Dispose();
        stopwatch.Stop();

        Assert.True(
            stopwatch.Elapsed < ShutdownTimeout + Margin,
            $"Stop and dispose took {stopwatch.Elapsed.TotalSeconds:F1} s with a shutdown timeout of {ShutdownTimeout.TotalSeconds} s.");
    }

    [Fact]
    public async Task StopAsync_HealthyBackend_ReturnsWellBeforeShutdownTimeout()
    {
        var spans = new InMemoryExporter<Activity, SpanSnapshot>(SpanSnapshot.From);
        var source = new ActivitySource("Healthy." + Guid.NewGuid().ToString("N"));
        var builder = Host.CreateApplicationBuilder();
        var shutdownTimeout = TimeSpan.FromSeconds(30);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout);
        builder.AddErrorTelemetry().WithTracing(t => t
            .AddSource(source.Name)
            .AddProcessor(new BatchActivityExportProcessor(spans, scheduledDelayMilliseconds: 600_000)));

        using var host = builder.Build();
        await host.StartAsync();
        using (var job = source.StartActivity("job"))
        {
            job!.AddException(new TimeoutException());
        }

        var stopwatch = Stopwatch.StartNew();
        await host.StopAsync();
        stopwatch.Stop();

        Assert.Single(spans.Items);
        // A third of the timeout: room for a loaded machine, and a stop that waited for the timeout still fails.
        Assert.True(stopwatch.Elapsed < shutdownTimeout / 3, $"Stop took {stopwatch.Elapsed.TotalSeconds:F1} s.");
    }

    /// <summary>A TCP listener on 127.0.0.1 that accepts every connection and never sends a byte.</summary>
    private sealed class BlackHole : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<TcpClient> _clients = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly TaskCompletionSource _firstAccepted = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public BlackHole()
        {
            _listener.Start();
            Endpoint = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
            _ = AcceptAsync();
        }

        public string Endpoint { get; }

        /// <summary>Gets a task that completes when the first connection is accepted.</summary>
        public Task FirstAccepted => _firstAccepted.Task;

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            lock (_clients)
            {
                foreach (var client in _clients)
                {
                    client.Dispose();
                }
            }

            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    lock (_clients)
                    {
                        _clients.Add(client);
                    }

                    _firstAccepted.TrySetResult();
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
