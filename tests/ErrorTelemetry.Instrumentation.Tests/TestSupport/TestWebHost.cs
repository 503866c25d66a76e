using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Tests.TestSupport;

/// <summary>
/// Runs every test that starts a web host alone: ASP.NET Core's span source and ErrorTelemetry's meter are
/// process-wide names, so two hosts running at once would each see the other's requests.
/// </summary>
[CollectionDefinition(TestWebHost.Collection, DisableParallelization = true)]
public sealed class TestWebHostGroup;

/// <summary>
/// A real ASP.NET Core application on the in-memory test server (or Kestrel on 127.0.0.1 and a free port), wired
/// with <c>builder.AddErrorTelemetry()</c> and <c>app.UseErrorTelemetry()</c>, exporting spans, logs and metrics to
/// memory. Disposing it stops the server.
/// </summary>
/// <remarks>Put test classes that use it in <c>[Collection(TestWebHost.Collection)]</c>.</remarks>
/// <example>
/// <code>
/// await using var host = await TestWebHost.StartAsync(app => app.MapGet("/orders/{id}", (int id) => id));
/// var response = await host.Client.GetAsync("/orders/1");
/// var span = await host.ServerSpanAsync("/orders/1");
/// </code>
/// </example>
internal sealed class TestWebHost : IAsyncDisposable
{
    public const string Collection = "Web hosts";

    private static readonly TimeSpan SpanTimeout = TimeSpan.FromSeconds(10);

    private readonly WebApplication _app;
    private readonly InMemoryExporter<Metric, List<MetricPointSnapshot>> _metrics;
    private readonly SpanEndSignal _spanEnded;

    private TestWebHost(WebApplication app, InMemoryExporter<Activity, SpanSnapshot> spans, InMemoryExporter<LogRecord, LogSnapshot> logs, InMemoryExporter<Metric, List<MetricPointSnapshot>> metrics, SpanEndSignal spanEnded, bool kestrel)
    {
        _app = app;
        Spans = spans;
        Logs = logs;
        _metrics = metrics;
        _spanEnded = spanEnded;
        Client = kestrel
            ? new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) }
            : app.GetTestClient();
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public InMemoryExporter<Activity, SpanSnapshot> Spans { get; }

    public InMemoryExporter<LogRecord, LogSnapshot> Logs { get; }

    /// <summary>Starts a host.</summary>
    /// <param name="map">Adds middleware and endpoints, after <c>UseErrorTelemetry()</c>.</param>
    /// <param name="services">Adds services and configuration before <c>AddErrorTelemetry()</c>.</param>
    /// <param name="settings">Configuration keys, e.g. <c>["ErrorTelemetry:ProblemDetails:TypeBaseUri"] = "https://errors.example.com/"</c>.</param>
    /// <param name="catalog">Catalog definitions and rules, passed to <c>AddErrorTelemetry()</c>.</param>
    /// <param name="environment">The host environment; Production unless a test needs another.</param>
    /// <param name="useErrorTelemetry">False to leave <c>UseErrorTelemetry()</c> out of the pipeline.</param>
    /// <param name="kestrel">True for a real Kestrel server on 127.0.0.1 and a free port instead of the in-memory server.</param>
    /// <param name="afterErrorTelemetry">Adds services after <c>AddErrorTelemetry()</c>, e.g. the application's own OpenTelemetry calls.</param>
    public static async Task<TestWebHost> StartAsync(
        Action<WebApplication> map,
        Action<WebApplicationBuilder>? services = null,
        IDictionary<string, string?>? settings = null,
        Action<ErrorTelemetryOptions>? catalog = null,
        string environment = "Production",
        bool useErrorTelemetry = true,
        bool kestrel = false,
        Action<WebApplicationBuilder>? afterErrorTelemetry = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ApplicationName = typeof(TestWebHost).Assembly.GetName().Name,
        });
        if (kestrel)
        {
            builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ErrorTelemetry:ExportOtlp"] = "false" });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        services?.Invoke(builder);

        var spans = new InMemoryExporter<Activity, SpanSnapshot>(SpanSnapshot.From);
        var logs = new InMemoryExporter<LogRecord, LogSnapshot>(LogSnapshot.From);
        var metrics = new InMemoryExporter<Metric, List<MetricPointSnapshot>>(MetricPointSnapshot.From);
        var spanEnded = new SpanEndSignal();
        builder.AddErrorTelemetry(catalog)
            .WithTracing(t => t.AddProcessor(new SimpleActivityExportProcessor(spans)).AddProcessor(spanEnded))
            .WithLogging(l => l.AddProcessor(new SimpleLogRecordExportProcessor(logs)))
            .WithMetrics(m => m.AddReader(new BaseExportingMetricReader(metrics) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative }));
        afterErrorTelemetry?.Invoke(builder);

        var app = builder.Build();
        if (useErrorTelemetry)
        {
            app.UseErrorTelemetry();
        }

        map(app);
        await app.StartAsync();
        return new TestWebHost(app, spans, logs, metrics, spanEnded, kestrel);
    }

    /// <summary>Waits until the server span of a request to <paramref name="path"/> is exported (it ends after the client has the response).</summary>
    public Task<SpanSnapshot> ServerSpanAsync(string path) =>
        SpanAsync(s => s.Kind == ActivityKind.Server && Equals(s.Tag("url.path"), path), $"server span for {path}");

    public async Task<SpanSnapshot> SpanAsync(Func<SpanSnapshot, bool> match, string description)
    {
        var deadline = DateTime.UtcNow + SpanTimeout;
        while (true)
        {
            // Taken before looking, so a span that ends in between still wakes us.
            var ended = _spanEnded.Next;
            var found = Spans.Items.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException($"No {description} was exported within {SpanTimeout}. Exported: {string.Join(", ", Spans.Items.Select(s => s.Name))}");
            }

            try
            {
                await ended.WaitAsync(remaining);
            }
            catch (TimeoutException)
            {
            }
        }
    }

    /// <summary>Collects the failure counter now and returns its points as the exporter received them.</summary>
    public List<MetricPointSnapshot> FailurePoints()
    {
        _metrics.Clear();
        Services.GetRequiredService<MeterProvider>().ForceFlush();
        return [.. _metrics.Items.SelectMany(batch => batch).Where(p => p.Metric == "errortelemetry.failures")];
    }

    public long FailureCount(string code, string? operation = null) =>
        FailurePoints()
            .Where(p => Equals(p.Tags[ErrorTelemetryAttributes.Code], code) && (operation is null || Equals(p.Tags[ErrorTelemetryAttributes.Operation], operation)))
            .Sum(p => p.Value);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class SpanEndSignal : BaseProcessor<Activity>
    {
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Next => Volatile.Read(ref _next).Task;

        public override void OnEnd(Activity data) =>
            Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
