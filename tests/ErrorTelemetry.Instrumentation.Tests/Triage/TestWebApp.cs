using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Claims;
using System.Text.Encodings.Web;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Tests.Triage;

/// <summary>
/// A real WebApplication on the in-memory test server with AddErrorTelemetry/UseErrorTelemetry, header-driven test
/// authentication, a "triage" policy (role "oncall"), and in-memory span, log and metric exporters.
/// </summary>
internal sealed class TestWebApp : IAsyncDisposable
{
    public const string Policy = "triage";
    public const string UserHeader = "X-Test-User";
    public const string RoleHeader = "X-Test-Role";

    private TestWebApp(WebApplication app, HttpClient client, InMemoryExporter<Activity, SpanSnapshot> spans, InMemoryExporter<LogRecord, LogSnapshot> logs, InMemoryExporter<Metric, List<MetricPointSnapshot>> metrics, CapturingLoggerProvider lines)
    {
        App = app;
        Client = client;
        _requests = new RequestTracker();
        Spans = spans;
        Logs = logs;
        Metrics = metrics;
        LogLines = lines;
    }

    private readonly RequestTracker _requests;

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public InMemoryExporter<Activity, SpanSnapshot> Spans { get; }

    public InMemoryExporter<LogRecord, LogSnapshot> Logs { get; }

    public InMemoryExporter<Metric, List<MetricPointSnapshot>> Metrics { get; }

    /// <summary>Every line written through the application's logging, whatever the exporters do.</summary>
    public CapturingLoggerProvider LogLines { get; }

    public static async Task<TestWebApp> StartAsync(
        Dictionary<string, string?>? configuration = null,
        Action<WebApplicationBuilder>? services = null,
        Action<WebApplication>? endpoints = null,
        Action<ErrorTelemetryOptions>? telemetry = null,
        bool kestrel = false)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        if (kestrel)
        {
            // A real server on a free loopback port, for clients outside the process (a browser).
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Configuration.AddInMemoryCollection(configuration ?? []);
        builder.Logging.ClearProviders();
        var spans = new InMemoryExporter<Activity, SpanSnapshot>(SpanSnapshot.From);
        var logs = new InMemoryExporter<LogRecord, LogSnapshot>(LogSnapshot.From);
        var metrics = new InMemoryExporter<Metric, List<MetricPointSnapshot>>(MetricPointSnapshot.From);
        var lines = new CapturingLoggerProvider();
        builder.Logging.AddProvider(lines);

        builder.AddErrorTelemetry(telemetry)
            .WithTracing(t => t.AddProcessor(new SimpleActivityExportProcessor(spans)))
            .WithLogging(l => l.AddProcessor(new SimpleLogRecordExportProcessor(logs)))
            .WithMetrics(m => m.AddReader(new BaseExportingMetricReader(metrics) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative }));

        builder.Services.AddAuthentication(HeaderAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, HeaderAuthenticationHandler>(HeaderAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization(o => o.AddPolicy(Policy, p => p.RequireAuthenticatedUser().RequireRole("oncall")));
        services?.Invoke(builder);

        var app = builder.Build();
        app.UseErrorTelemetry();
        endpoints?.Invoke(app);
        await app.StartAsync();
        var client = kestrel ? new HttpClient { BaseAddress = new Uri(app.Urls.First()) } : app.GetTestClient();
        return new TestWebApp(app, client, spans, logs, metrics, lines);
    }

    public T Service<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    public HttpRequestMessage Request(string path, string? user = null, string? role = null, string? traceParent = null, string? baggage = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (user is not null)
        {
            request.Headers.Add(UserHeader, user);
        }

        if (role is not null)
        {
            request.Headers.Add(RoleHeader, role);
        }

        if (traceParent is not null)
        {
            request.Headers.Add("traceparent", traceParent);
        }

        if (baggage is not null)
        {
            request.Headers.Add("baggage", baggage);
        }

        return request;
    }

    /// <summary>
    /// Sends a request in a trace of its own (the one in its <c>traceparent</c>, or a new one) and returns once the
    /// server has ended that request's span: the test server answers the client before the host ends the span, and
    /// the span processors (failure counting, export) run only then.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (!request.Headers.TryGetValues("traceparent", out var values))
        {
            request.Headers.Add("traceparent", $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            values = request.Headers.GetValues("traceparent");
        }

        var traceId = values.First().Split('-')[1];
        var ended = _requests.Expect(traceId);
        var response = await Client.SendAsync(request);
        await ended.WaitAsync(TimeSpan.FromSeconds(30));
        return response;
    }

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    /// <summary>Flushes the tracer and logger providers (simple processors export synchronously; this is belt and braces).</summary>
    public void Flush()
    {
        Service<TracerProvider>().ForceFlush();
        Service<LoggerProvider>().ForceFlush();
    }

    /// <summary>The failure counter's points as a fresh collection exported them.</summary>
    public List<MetricPointSnapshot> FailurePoints()
    {
        Metrics.Clear();
        Service<MeterProvider>().ForceFlush();
        return [.. Metrics.Items.SelectMany(b => b).Where(p => p.Metric == "errortelemetry.failures")];
    }

    public async ValueTask DisposeAsync()
    {
        _requests.Dispose();
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>No <c>X-Test-User</c> header: not authenticated (401). Otherwise a user of that name with the roles in <c>X-Test-Role</c>.</summary>
internal sealed class HeaderAuthenticationHandler : AuthenticationHandler<AuthenticationSchemeOptions>
{
    public const string SchemeName = "TestHeader";

    public HeaderAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : base(options, logger, encoder)
    {
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(TestWebApp.UserHeader, out var user) || string.IsNullOrEmpty(user))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var claims = new List<Claim> { new(ClaimTypes.Name, user!), new(ClaimTypes.NameIdentifier, "id-" + user) };
        foreach (var role in Request.Headers[TestWebApp.RoleHeader])
        {
            claims.Add(new Claim(ClaimTypes.Role, role!));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}

/// <summary>Keeps every log line written through Microsoft.Extensions.Logging (all providers see the same calls).</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyList<LogLine> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LogLine> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = new Dictionary<string, object?>();
            if (state is IReadOnlyList<KeyValuePair<string, object?>> list)
            {
                foreach (var kv in list)
                {
                    properties[kv.Key] = kv.Value;
                }
            }

            lines.Enqueue(new LogLine(category, logLevel, eventId, formatter(state, exception), properties));
        }
    }
}

internal sealed record LogLine(string Category, LogLevel Level, EventId EventId, string Message, Dictionary<string, object?> Properties);

/// <summary>Tells when the host has ended the server span of a request, recorded or not, by its trace id.</summary>
internal sealed class RequestTracker : IDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _pending = new(StringComparer.Ordinal);
    private readonly ActivityListener _listener;

    public RequestTracker()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = static s => s.Name == "Microsoft.AspNetCore",
            // Votes for nothing: whether a span is created and recorded stays the SDK's decision.
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
            ActivityStopped = a =>
            {
                if (a.Kind == ActivityKind.Server && _pending.TryRemove(a.TraceId.ToHexString(), out var done))
                {
                    done.TrySetResult();
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public Task Expect(string traceId) =>
        _pending.GetOrAdd(traceId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Dispose() => _listener.Dispose();
}

/// <summary>
/// Tests that run a web host. ActivitySource "Microsoft.AspNetCore" and the "ErrorTelemetry" meter are process-wide:
/// every live host's providers see every host's requests, so two hosts alive at once would count each other's
/// failures. These tests therefore run alone, one host at a time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialWebHosts
{
    public const string Name = "Web hosts (process-wide telemetry)";
}
