using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Tests.Correlation;

/// <summary>
/// A real ASP.NET Core service on Kestrel (127.0.0.1, a free port) with AddErrorTelemetry/UseErrorTelemetry and
/// in-memory exporters. Services in one process share the static "Microsoft.AspNetCore" and "System.Net.Http"
/// sources, so each exporter also sees the other services' spans: assert on spans by trace, kind and path.
/// </summary>
internal sealed class TestService : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SpanArrivals _arrivals;

    private TestService(WebApplication app, Uri address, InMemoryExporter<Activity, SpanSnapshot> spans, InMemoryExporter<LogRecord, LogSnapshot> logs, SpanArrivals arrivals)
    {
        _app = app;
        Address = address;
        Spans = spans;
        Logs = logs;
        _arrivals = arrivals;
    }

    public Uri Address { get; }

    public InMemoryExporter<Activity, SpanSnapshot> Spans { get; }

    public InMemoryExporter<LogRecord, LogSnapshot> Logs { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestService> StartAsync(
        string name,
        Action<WebApplication> map,
        Action<WebApplicationBuilder>? configure = null,
        Action<ErrorTelemetryOptions>? options = null,
        Action<WebApplication>? before = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration["ErrorTelemetry:ServiceName"] = name;
        configure?.Invoke(builder);

        var spans = new InMemoryExporter<Activity, SpanSnapshot>(SpanSnapshot.From);
        var logs = new InMemoryExporter<LogRecord, LogSnapshot>(LogSnapshot.From);
        var arrivals = new SpanArrivals(spans);
        builder.AddErrorTelemetry(options)
            .WithTracing(t => t.AddProcessor(new SimpleActivityExportProcessor(spans)).AddProcessor(new SimpleActivityExportProcessor(arrivals)))
            .WithLogging(l => l.AddProcessor(new SimpleLogRecordExportProcessor(logs)));

        var app = builder.Build();
        before?.Invoke(app);
        app.UseErrorTelemetry();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new TestService(app, new Uri(address), spans, logs, arrivals);
    }

    public void Flush()
    {
        _app.Services.GetRequiredService<TracerProvider>().ForceFlush();
        _app.Services.GetRequiredService<LoggerProvider>().ForceFlush();
    }

    /// <summary>
    /// Waits until this service's exporter has a matching span. ASP.NET Core ends the server span (and writes its
    /// "Request finished" line) after the response has reached the client, so a flush right after the response can
    /// still miss them.
    /// </summary>
    public Task<SpanSnapshot> SpanAsync(Func<SpanSnapshot, bool> match) => _arrivals.WaitAsync(match).WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>The server span of a path, once exported (each service's exporter sees every service's spans).</summary>
    public Task<SpanSnapshot> ServerSpanAsync(string path) =>
        SpanAsync(s => s.Kind == ActivityKind.Server && Equals(s.Tag("url.path"), path));

    /// <summary>
    /// Sends a request over a raw socket, so header bytes that HttpClient refuses to send (non-ASCII, control
    /// characters) reach the server exactly as written. Returns the status line and the response headers.
    /// </summary>
    public async Task<(int Status, Dictionary<string, string> Headers)> SendRawAsync(string path, params (string Name, byte[] Value)[] headers)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(Address.Host, Address.Port);
        var stream = tcp.GetStream();
        var request = new MemoryStream();
        request.Write(Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: {Address.Authority}\r\nContent-Length: 0\r\n"));
        foreach (var (name, value) in headers)
        {
            request.Write(Encoding.ASCII.GetBytes(name + ": "));
            request.Write(value);
            request.Write("\r\n"u8);
        }

        request.Write("Connection: close\r\n\r\n"u8);
        await stream.WriteAsync(request.ToArray());
        var text = await new StreamReader(stream, Encoding.Latin1).ReadToEndAsync();
        var head = text[..text.IndexOf("\r\n\r\n", StringComparison.Ordinal)].Split("\r\n");
        var status = int.Parse(head[0].Split(' ')[1]);
        var parsed = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in head.Skip(1))
        {
            var colon = line.IndexOf(':');
            parsed[line[..colon]] = line[(colon + 1)..].Trim();
        }

        return (status, parsed);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Completes waiters from the export itself, after the snapshot exporter (registered ahead) has the span.</summary>
    private sealed class SpanArrivals(InMemoryExporter<Activity, SpanSnapshot> spans) : BaseExporter<Activity>
    {
        private readonly Lock _gate = new();
        private readonly List<(Func<SpanSnapshot, bool> Match, TaskCompletionSource<SpanSnapshot> Done)> _waiters = [];

        public Task<SpanSnapshot> WaitAsync(Func<SpanSnapshot, bool> match)
        {
            var done = new TaskCompletionSource<SpanSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                var existing = spans.Items.FirstOrDefault(match);
                if (existing is not null)
                {
                    done.SetResult(existing);
                }
                else
                {
                    _waiters.Add((match, done));
                }
            }

            return done.Task;
        }

        public override ExportResult Export(in Batch<Activity> batch)
        {
            lock (_gate)
            {
                foreach (var activity in batch)
                {
                    var snapshot = SpanSnapshot.From(activity);
                    for (var i = _waiters.Count - 1; i >= 0; i--)
                    {
                        if (_waiters[i].Match(snapshot))
                        {
                            _waiters[i].Done.TrySetResult(snapshot);
                            _waiters.RemoveAt(i);
                        }
                    }
                }
            }

            return ExportResult.Success;
        }
    }
}
