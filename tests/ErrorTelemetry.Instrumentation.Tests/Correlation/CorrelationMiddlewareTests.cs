using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Tests.Correlation;

[Collection(LiveHttpServices.Name)]
public sealed class CorrelationMiddlewareTests : IAsyncLifetime
{
    private const string Marker = "HOSTILE";
    private const string TraceParentPrefix = "00-";
    private TestService _service = null!;

    private readonly ScopeCapture _scopes = new();

    public async Task InitializeAsync() =>
        _service = await TestService.StartAsync("probe", MapProbe, b => b.Logging.AddProvider(_scopes), before: RecordAmbientBaggage);

    public Task DisposeAsync() => _service.DisposeAsync().AsTask();

    public static TheoryData<string, string, byte[], string> HostileValues() => new()
    {
        { "10 KB", "X-Correlation-ID", Encoding.ASCII.GetBytes(Marker + new string('A', 10 * 1024)), "longer than 128 characters" },
        { "non-ASCII", "X-Correlation-ID", Encoding.UTF8.GetBytes(Marker + "\u00e9\u20ac"), "contains non-ASCII characters" },
        { "control character", "X-Correlation-ID", [.. Encoding.ASCII.GetBytes(Marker), 0x01, (byte)'x'], "contains control characters" },
        { "DEL", "X-Correlation-ID", [.. Encoding.ASCII.GetBytes(Marker), 0x7F], "contains control characters" },
        { "tab", "X-Correlation-ID", Encoding.ASCII.GetBytes(Marker + "\tx"), "contains control characters" },
        { "quote and comma", "X-Correlation-ID", Encoding.ASCII.GetBytes(Marker + "\",x"), "contains characters other than A-Z a-z 0-9 . _ : - / + = @" },
        { "semicolon and backslash", "X-Correlation-ID", Encoding.ASCII.GetBytes(Marker + ";\\"), "contains characters other than A-Z a-z 0-9 . _ : - / + = @" },
        { "CRLF in baggage", "baggage", Encoding.ASCII.GetBytes("correlation.id=" + Marker + "%0D%0ASet-Cookie%3A%20a%3Db"), "contains control characters" },
        { "10 KB in baggage", "baggage", Encoding.ASCII.GetBytes("correlation.id=" + Marker + new string('B', 10 * 1024)), "longer than 128 characters" },
    };

    [Theory]
    [MemberData(nameof(HostileValues))]
    public async Task InvokeAsync_HostileValueOverKestrel_ReplacedNeverEchoedNeverExported(string name, string header, byte[] value, string reason)
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var (status, headers) = await _service.SendRawAsync(
            "/probe",
            ("traceparent", Encoding.ASCII.GetBytes(TraceParentPrefix + traceId + "-0123456789abcdef-01")),
            (header, value));
        await _service.SpanAsync(s => s.TraceId == traceId && s.Kind == ActivityKind.Server);
        _service.Flush();

        Assert.True(status == 200, name);
        Assert.Matches("^[0-9a-f]{32}$", headers["X-Correlation-ID"]);
        var warning = Assert.Single(_service.Logs.Items, l => l.TraceId == traceId && l.Level == LogLevel.Warning && l.Category == "ErrorTelemetry.Correlation");
        Assert.Equal(reason, warning.Attribute("Reason"));
        Assert.Equal(header == "baggage" ? "baggage correlation.id" : "header X-Correlation-ID", warning.Attribute("CorrelationSource"));
        Assert.Equal(headers["X-Correlation-ID"], warning.Attribute("correlation.id"));

        var spans = _service.Spans.Items.Where(s => s.TraceId == traceId).ToList();
        Assert.NotEmpty(spans);
        Assert.All(spans, s => Assert.DoesNotContain(Marker, s.Dump(), StringComparison.Ordinal));
        Assert.All(_service.Logs.Items, l => Assert.DoesNotContain(Marker, l.Dump(), StringComparison.Ordinal));
        Assert.All(spans.Where(s => s.Kind == ActivityKind.Server), s => Assert.Equal(headers["X-Correlation-ID"], s.Tag("correlation.id")));
    }

    [Fact]
    public async Task InvokeAsync_HeaderSentTwice_ReplacedAndWarned()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var (_, headers) = await _service.SendRawAsync(
            "/probe",
            ("traceparent", Encoding.ASCII.GetBytes(TraceParentPrefix + traceId + "-0123456789abcdef-01")),
            ("X-Correlation-ID", "one"u8.ToArray()),
            ("X-Correlation-ID", "two"u8.ToArray()));
        _service.Flush();

        Assert.Matches("^[0-9a-f]{32}$", headers["X-Correlation-ID"]);
        Assert.Equal("sent more than once", Assert.Single(_service.Logs.Items, l => l.TraceId == traceId && l.Level == LogLevel.Warning && l.Category == "ErrorTelemetry.Correlation").Attribute("Reason"));
    }

    [Theory]
    // "qxz" holds no hex digit, so a generated id (32 hex digits) can never contain it by chance.
    [InlineData("qxz\r\nSet-Cookie: stolen=1")]
    [InlineData("qxz\nX-Injected: 1")]
    [InlineData("qxz\0wvu")]
    public async Task InvokeAsync_LineBreaksKestrelWouldRefuse_ReplacedWhenAServerPassesThemOn(string hostile)
    {
        // Kestrel answers 400 to a raw CR, LF or NUL before any middleware runs; an in-process server or a lenient
        // proxy may not, so the middleware must not rely on it.
        await using var host = await InProcessHost.StartAsync();
        var context = await host.Server.SendAsync(c =>
        {
            c.Request.Method = "POST";
            c.Request.Path = "/probe";
            c.Request.Headers["X-Correlation-ID"] = hostile;
        });
        host.Flush();

        var echoed = context.Response.Headers["X-Correlation-ID"].ToString();
        Assert.Matches("^[0-9a-f]{32}$", echoed);
        Assert.DoesNotContain(context.Response.Headers, h => h.Key.StartsWith("Set-Cookie", StringComparison.OrdinalIgnoreCase) || h.Key == "X-Injected");
        Assert.Equal("contains control characters", Assert.Single(host.Logs.Items, l => l.Level == LogLevel.Warning && l.Category == "ErrorTelemetry.Correlation").Attribute("Reason"));
        Assert.All(host.Logs.Items, l => Assert.DoesNotContain("qxz", l.Dump(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task InvokeAsync_WellFormedHeader_CurrentEverywhereAndEchoed()
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_service.Address, "/probe"));
        request.Headers.Add("X-Correlation-ID", "checkout:7f3a");
        using var response = await client.SendAsync(request);
        var seen = await response.Content.ReadFromJsonAsync<JsonElement>();
        _service.Flush();

        Assert.Equal("checkout:7f3a", Assert.Single(response.Headers.GetValues("X-Correlation-ID")));
        Assert.Equal("checkout:7f3a", seen.GetProperty("item").GetString());
        Assert.Equal("checkout:7f3a", seen.GetProperty("activityBaggage").GetString());
        Assert.Equal("checkout:7f3a", seen.GetProperty("otelBaggage").GetString());
        Assert.Equal("checkout:7f3a", Assert.Single(_scopes.Seen, s => s.Message == "Probing" && s.TraceId == seen.GetProperty("traceId").GetString()).CorrelationId);
        var probeLog = Assert.Single(_service.Logs.Items, l => l.Body == "Probing" && l.TraceId == seen.GetProperty("traceId").GetString());
        Assert.Equal("checkout:7f3a", probeLog.Attribute("correlation.id"));
        Assert.DoesNotContain(_service.Logs.Items, l => l.TraceId == seen.GetProperty("traceId").GetString() && l.Level == LogLevel.Warning && l.Category == "ErrorTelemetry.Correlation");
    }

    [Fact]
    public async Task InvokeAsync_BaggageOnly_BaggageIdUsed_HeaderWinsOverBaggage()
    {
        using var client = new HttpClient();
        using var fromBaggage = new HttpRequestMessage(HttpMethod.Post, new Uri(_service.Address, "/probe"));
        fromBaggage.Headers.Add("baggage", "other=1,correlation.id=from-baggage");
        using var both = new HttpRequestMessage(HttpMethod.Post, new Uri(_service.Address, "/probe"));
        both.Headers.Add("baggage", "correlation.id=from-baggage");
        both.Headers.Add("X-Correlation-ID", "from-header");

        using var first = await client.SendAsync(fromBaggage);
        using var second = await client.SendAsync(both);

        Assert.Equal("from-baggage", Assert.Single(first.Headers.GetValues("X-Correlation-ID")));
        Assert.Equal("from-header", Assert.Single(second.Headers.GetValues("X-Correlation-ID")));
        Assert.Equal("from-header", (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("activityBaggage").GetString());
    }

    [Fact]
    public async Task InvokeAsync_KeptAliveConnection_AmbientBaggageDoesNotLeakIntoTheNextRequest()
    {
        // One HttpClient, one kept-alive connection: the second request must not start with the first one's id.
        using var client = new HttpClient();
        using var first = new HttpRequestMessage(HttpMethod.Post, new Uri(_service.Address, "/probe"));
        first.Headers.Add("X-Correlation-ID", "first-request");
        using var firstResponse = await client.SendAsync(first);
        using var secondResponse = await client.PostAsync(new Uri(_service.Address, "/probe"), null);

        var second = await secondResponse.Content.ReadFromJsonAsync<JsonElement>();
        // Correlation runs outermost, so the application's first middleware already sees the second request's own id.
        Assert.NotEqual("first-request", second.GetProperty("ambientBefore").GetString());
        Assert.Equal(second.GetProperty("item").GetString(), second.GetProperty("ambientBefore").GetString());
        Assert.NotEqual("first-request", second.GetProperty("item").GetString());
    }

    [Fact]
    public async Task InvokeAsync_ErrorHandlerClearsHeaders_CorrelationAndErrorCodeStillOnResponse()
    {
        await using var host = await InProcessHost.StartAsync(app =>
        {
            app.UseExceptionHandler(e => e.Run(c =>
            {
                c.Response.StatusCode = 500;
                return Task.CompletedTask;
            }));
            app.MapPost("/fail", (HttpContext c) =>
            {
                Activity.Current.SetErrorCode(BuiltInErrors.OperationTimeout);
                throw new TimeoutException("late");
            });
            app.MapPost("/stated", () =>
            {
                Activity.Current.SetErrorCode(BuiltInErrors.ValidationFailed);
                return Results.StatusCode(422);
            });
        });

        var failed = await host.Server.SendAsync(c =>
        {
            c.Request.Method = "POST";
            c.Request.Path = "/fail";
            c.Request.Headers["X-Correlation-ID"] = "keep-me";
        });
        var stated = await host.Server.SendAsync(c =>
        {
            c.Request.Method = "POST";
            c.Request.Path = "/stated";
        });

        Assert.Equal(500, failed.Response.StatusCode);
        Assert.Equal("keep-me", failed.Response.Headers["X-Correlation-ID"].ToString());
        Assert.Equal("OPERATION_TIMEOUT", failed.Response.Headers["X-Error-Code"].ToString());
        Assert.Equal("VALIDATION_FAILED", stated.Response.Headers["X-Error-Code"].ToString());
    }

    [Fact]
    public async Task InvokeAsync_ConfiguredHeaderName_ReadAndEchoedUnderThatName()
    {
        await using var host = await InProcessHost.StartAsync(configuration: new() { ["ErrorTelemetry:Correlation:HeaderName"] = "Request-Chain" });
        var context = await host.Server.SendAsync(c =>
        {
            c.Request.Method = "POST";
            c.Request.Path = "/probe";
            c.Request.Headers["Request-Chain"] = "chain-1";
            c.Request.Headers["X-Correlation-ID"] = "ignored";
        });

        Assert.Equal("chain-1", context.Response.Headers["Request-Chain"].ToString());
        Assert.False(context.Response.Headers.ContainsKey("X-Correlation-ID"));
    }

    [Fact]
    public async Task AddErrorTelemetry_HeaderNameNotAToken_HostFailsToStartNamingTheSetting()
    {
        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() =>
            InProcessHost.StartAsync(configuration: new() { ["ErrorTelemetry:Correlation:HeaderName"] = "X Correlation\r\nID" }));

        Assert.Contains("ErrorTelemetry:Correlation:HeaderName must be an HTTP header name", error.Message, StringComparison.Ordinal);
    }

    internal static void MapProbe(WebApplication app)
    {
        app.MapPost("/probe", (HttpContext context, ILogger<CorrelationMiddlewareTests> logger) =>
        {
            logger.LogInformation("Probing");
            return Results.Json(new
            {
                item = context.Items["ErrorTelemetry.CorrelationId"] as string,
                activityBaggage = Activity.Current?.GetBaggageItem("correlation.id"),
                otelBaggage = Baggage.GetBaggage("correlation.id"),
                ambientBefore = context.Items["ambientBefore"] as string,
                traceId = Activity.Current?.TraceId.ToHexString(),
            });
        });
    }

    private static void RecordAmbientBaggage(WebApplication app) =>
        app.Use((context, next) =>
        {
            // Ahead of UseErrorTelemetry on purpose: what ambient baggage the application's first middleware sees on a reused connection.
            context.Items["ambientBefore"] = Baggage.GetBaggage("correlation.id");
            return next(context);
        });

    /// <summary>A logger provider like console JSON or Serilog: it sees only what the logging scopes carry.</summary>
    private sealed class ScopeCapture : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider? _scopes;

        public System.Collections.Concurrent.ConcurrentQueue<(string Message, string? TraceId, string? CorrelationId)> Seen { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(ScopeCapture owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => owner._scopes?.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                string? id = null;
                owner._scopes?.ForEachScope<object?>(
                    (scope, _) =>
                    {
                        if (scope is IEnumerable<KeyValuePair<string, object?>> items)
                        {
                            id ??= items.FirstOrDefault(i => i.Key == "correlation.id").Value as string;
                        }
                    },
                    null);
                owner.Seen.Enqueue((formatter(state, exception), Activity.Current?.TraceId.ToHexString(), id));
            }
        }
    }
}

/// <summary>A service on the in-process TestServer: it passes header values on exactly as given, as a lenient proxy might.</summary>
internal sealed class InProcessHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessHost(WebApplication app, InMemoryExporter<LogRecord, LogSnapshot> logs)
    {
        _app = app;
        Logs = logs;
    }

    public TestServer Server => _app.GetTestServer();

    public InMemoryExporter<LogRecord, LogSnapshot> Logs { get; }

    public static async Task<InProcessHost> StartAsync(Action<WebApplication>? map = null, Dictionary<string, string?>? configuration = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        if (configuration is not null)
        {
            builder.Configuration.AddInMemoryCollection(configuration);
        }

        var logs = new InMemoryExporter<LogRecord, LogSnapshot>(LogSnapshot.From);
        builder.AddErrorTelemetry().WithLogging(l => l.AddProcessor(new SimpleLogRecordExportProcessor(logs)));
        var app = builder.Build();
        app.UseErrorTelemetry();
        (map ?? CorrelationMiddlewareTests.MapProbe)(app);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new InProcessHost(app, logs);
    }

    public void Flush() => _app.Services.GetRequiredService<LoggerProvider>().ForceFlush();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
