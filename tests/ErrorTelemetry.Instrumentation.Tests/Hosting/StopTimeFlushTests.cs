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

    // Stop and disposal together, including thread-pool scheduling on a loaded machine.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(1.5);

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
            host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Job").LogError(new TimeoutException(), "Job failed");
        }

        var stopwatch = Stopwatch.StartNew();
        await host.StopAsync();
        host.Dispose();
        stopwatch.Stop();

        Assert.True(blackHole.Accepted > 0, "The exporter never reached the black hole, so the test proves nothing.");
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
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
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
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"Stop took {stopwatch.Elapsed.TotalSeconds:F1} s.");
    }

    /// <summary>A TCP listener on 127.0.0.1 that accepts every connection and never sends a byte.</summary>
    private sealed class BlackHole : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<TcpClient> _clients = [];
        private readonly CancellationTokenSource _stop = new();
        private int _accepted;

        public BlackHole()
        {
            _listener.Start();
            Endpoint = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
            _ = AcceptAsync();
        }

        public string Endpoint { get; }

        public int Accepted => Volatile.Read(ref _accepted);

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

                    Interlocked.Increment(ref _accepted);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
