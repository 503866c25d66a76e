using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ErrorTelemetry.Triage.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Tests.Triage;

[Collection(SerialWebHosts.Name)]
public class TriageEndpointsTests
{
    private const string FailuresPath = "/_errortelemetry/failures";

    private static readonly ErrorDefinition OrderNotFound = new("ORDER_NOT_FOUND", ErrorCategory.NotFound, "The order does not exist.")
    {
        Owner = "orders-team",
        RunbookUrl = new Uri("https://runbooks.example.com/orders/not-found"),
        Remediation = "Check the order id the client sent.",
        Description = "A lookup by id found no order.",
    };

    private static readonly Dictionary<string, string?> TriageOn = new() { ["ErrorTelemetry:Triage:AuthorizationPolicy"] = TestWebApp.Policy };

    [Fact]
    public async Task Map_NoPolicyConfigured_NotMapped()
    {
        await using var app = await StartAsync(configuration: []);
        await Fail(app, "/orders/1");

        using var failures = await app.SendAsync(app.Request(FailuresPath, "alice", "oncall"));
        using var catalog = await app.SendAsync(app.Request(FailuresPath + "/catalog", "alice", "oncall"));

        Assert.Equal(HttpStatusCode.NotFound, failures.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, catalog.StatusCode);
        Assert.Empty(app.Service<FailureBuffer>().Snapshot().Codes);
        Assert.DoesNotContain(app.LogLines.Lines, l => l.Category == "ErrorTelemetry.Triage");
    }

    [Fact]
    public async Task Map_PolicyConfigured_RefusesAnonymous401AndUnauthorized403AndLogsEveryAccess()
    {
        await using var app = await StartAsync();

        using var anonymous = await app.SendAsync(app.Request(FailuresPath));
        using var bob = await app.SendAsync(app.Request(FailuresPath, "bob", "developer"));
        using var bobCatalog = await app.SendAsync(app.Request(FailuresPath + "/catalog", "bob"));
        using var alice = await app.SendAsync(app.Request(FailuresPath, "alice", "oncall"));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, bob.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, bobCatalog.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
        Assert.DoesNotContain("codes", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("codes", await bob.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var access = app.LogLines.Lines.Where(l => l.Category == "ErrorTelemetry.Triage").ToList();
        Assert.Collection(
            access,
            l => AssertAccess(l, 101, LogLevel.Warning, "anonymous", FailuresPath, "unauthenticated", 401),
            l => AssertAccess(l, 101, LogLevel.Warning, "bob", FailuresPath, "forbidden", 403),
            l => AssertAccess(l, 101, LogLevel.Warning, "bob", FailuresPath + "/catalog", "forbidden", 403),
            l => AssertAccess(l, 100, LogLevel.Information, "alice", FailuresPath, null, null));
        Assert.Equal("Triage endpoint /_errortelemetry/failures served to alice", access[3].Message);
        Assert.Equal("Triage endpoint /_errortelemetry/failures refused anonymous: unauthenticated (HTTP 401)", access[0].Message);
    }

    [Fact]
    public async Task Map_BehindPathBase_AccessStillLogged()
    {
        await using var app = await StartAsync(pipeline: a =>
        {
            a.UsePathBase("/api");
            a.UseRouting();
            a.UseAuthentication();
            a.UseAuthorization();
        });

        using var anonymous = await app.SendAsync(app.Request("/api" + FailuresPath));
        using var alice = await app.SendAsync(app.Request("/api" + FailuresPath + "/catalog/", "alice", "oncall"));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
        Assert.Collection(
            app.LogLines.Lines.Where(l => l.Category == "ErrorTelemetry.Triage"),
            l => AssertAccess(l, 101, LogLevel.Warning, "anonymous", FailuresPath, "unauthenticated", 401),
            l => AssertAccess(l, 100, LogLevel.Information, "alice", FailuresPath + "/catalog", null, null));
    }

    [Fact]
    public async Task Failures_RealFailedRequests_GroupedByCodeWithRoutesSamplesAndCatalogFields()
    {
        await using var app = await StartAsync();
        var orderTraces = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            orderTraces.Add(await Fail(app, $"/orders/{i}", correlationId: $"corr-order-{i}"));
        }

        var slowTrace = await Fail(app, "/slow", correlationId: "corr-slow");
        var slowTrace2 = await Fail(app, "/slow");
        Assert.Equal(HttpStatusCode.OK, (await app.GetAsync("/fine")).StatusCode);
        app.Flush();

        // The trace ids the exporter received for the failed requests are the ones the triage endpoint reports.
        var exported = app.Spans.Items.Where(s => s.Kind == ActivityKind.Server && s.Tag("error.code") is not null).ToList();
        Assert.Equal([.. orderTraces, slowTrace, slowTrace2], exported.Select(s => s.TraceId));

        using var response = await app.SendAsync(app.Request(FailuresPath, "alice", "oncall"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        Assert.Equal("00:15:00", root.GetProperty("window").GetString());
        Assert.Equal(900, root.GetProperty("windowSeconds").GetInt64());
        Assert.True(DateTimeOffset.UtcNow - root.GetProperty("generatedAt").GetDateTimeOffset() < TimeSpan.FromMinutes(1));

        var codes = root.GetProperty("codes").EnumerateArray().ToList();
        Assert.Equal(["ORDER_NOT_FOUND", "OPERATION_TIMEOUT"], codes.Select(c => c.GetProperty("code").GetString()));

        var order = codes[0];
        Assert.Equal("The order does not exist.", order.GetProperty("title").GetString());
        Assert.Equal("not_found", order.GetProperty("category").GetString());
        Assert.Equal("info", order.GetProperty("severity").GetString());
        Assert.Equal("orders-team", order.GetProperty("owner").GetString());
        Assert.Equal("https://runbooks.example.com/orders/not-found", order.GetProperty("runbook").GetString());
        Assert.Equal("Check the order id the client sent.", order.GetProperty("remediation").GetString());
        Assert.Equal(3, order.GetProperty("countInWindow").GetInt64());
        Assert.Equal(3, order.GetProperty("totalCount").GetInt64());
        Assert.True(order.GetProperty("firstSeen").GetDateTimeOffset() <= order.GetProperty("lastSeen").GetDateTimeOffset());
        Assert.Equal(orderTraces.AsEnumerable().Reverse(), order.GetProperty("sampleTraceIds").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(["corr-order-2", "corr-order-1", "corr-order-0"], order.GetProperty("sampleCorrelationIds").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(3, order.GetProperty("routes").GetProperty("GET /orders/{id}").GetInt64());
        Assert.Single(order.GetProperty("routes").EnumerateObject());
        Assert.Empty(order.GetProperty("causeCodes").EnumerateObject());
        var sample = order.GetProperty("samples")[0];
        Assert.Equal(orderTraces[2], sample.GetProperty("traceId").GetString());
        Assert.Equal("GET /orders/{id}", sample.GetProperty("operation").GetString());
        Assert.Equal(exported[2].Tag("error.fingerprint"), sample.GetProperty("fingerprint").GetString());

        var timeout = codes[1];
        Assert.Equal(2, timeout.GetProperty("countInWindow").GetInt64());
        Assert.Equal(JsonValueKind.Null, timeout.GetProperty("owner").ValueKind);
        Assert.Equal([slowTrace2, slowTrace], timeout.GetProperty("sampleTraceIds").EnumerateArray().Select(t => t.GetString()));
        // The second slow request came without an id: the correlation feature generated one (32 hex digits).
        var correlationIds = timeout.GetProperty("sampleCorrelationIds").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Equal(2, correlationIds.Count);
        Assert.Equal("corr-slow", correlationIds[1]);
        Assert.Matches("^[0-9a-f]{32}$", correlationIds[0]);
        Assert.Equal(2, timeout.GetProperty("routes").GetProperty("GET /slow").GetInt64());

        // The endpoint's output never carries exception text.
        Assert.DoesNotContain("db late", body.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failures_WindowPassed_CountInWindowDropsTotalKept()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 7, TimeSpan.Zero));
        await using var app = await StartAsync(services: b => b.Services.AddSingleton<TimeProvider>(clock));

        await Fail(app, "/orders/1");
        await Fail(app, "/orders/2");
        clock.Advance(TimeSpan.FromMinutes(10));
        await Fail(app, "/slow");

        clock.Advance(TimeSpan.FromMinutes(4));
        var atFourteen = await Codes(app);
        Assert.Equal(2, atFourteen["ORDER_NOT_FOUND"].GetProperty("countInWindow").GetInt64());
        Assert.Equal(1, atFourteen["OPERATION_TIMEOUT"].GetProperty("countInWindow").GetInt64());

        clock.Advance(TimeSpan.FromMinutes(2));
        var atSixteen = await Codes(app);
        Assert.Equal(0, atSixteen["ORDER_NOT_FOUND"].GetProperty("countInWindow").GetInt64());
        Assert.Equal(2, atSixteen["ORDER_NOT_FOUND"].GetProperty("totalCount").GetInt64());
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 12, 0, 7, TimeSpan.Zero), atSixteen["ORDER_NOT_FOUND"].GetProperty("lastSeen").GetDateTimeOffset());
        Assert.Equal(1, atSixteen["OPERATION_TIMEOUT"].GetProperty("countInWindow").GetInt64());

        clock.Advance(TimeSpan.FromMinutes(10));
        var atTwentySix = await Codes(app);
        Assert.Equal(0, atTwentySix["OPERATION_TIMEOUT"].GetProperty("countInWindow").GetInt64());
        Assert.Equal(1, atTwentySix["OPERATION_TIMEOUT"].GetProperty("totalCount").GetInt64());
    }

    [Fact]
    public async Task Failures_ConfiguredWindowAndPath_Honoured()
    {
        await using var app = await StartAsync(configuration: new()
        {
            ["ErrorTelemetry:Triage:AuthorizationPolicy"] = TestWebApp.Policy,
            ["ErrorTelemetry:Triage:Path"] = "/ops/failures",
            ["ErrorTelemetry:Triage:Window"] = "01:00:00",
        });

        using var moved = await app.SendAsync(app.Request("/ops/failures", "alice", "oncall"));
        using var catalog = await app.SendAsync(app.Request("/ops/failures/catalog", "alice", "oncall"));
        using var old = await app.SendAsync(app.Request(FailuresPath, "alice", "oncall"));

        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(HttpStatusCode.OK, catalog.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, old.StatusCode);
        using var body = JsonDocument.Parse(await moved.Content.ReadAsStringAsync());
        Assert.Equal("01:00:00", body.RootElement.GetProperty("window").GetString());
        Assert.Contains(app.LogLines.Lines, l => l.EventId.Id == 100 && Equals(l.Properties["TriagePath"], "/ops/failures/catalog"));
    }

    [Fact]
    public async Task Catalog_Allowed_EveryDefinitionWithAllFields()
    {
        await using var app = await StartAsync();

        using var response = await app.SendAsync(app.Request(FailuresPath + "/catalog", "alice", "oncall"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var catalog = app.Service<ErrorCatalog>();
        var definitions = body.RootElement.GetProperty("definitions").EnumerateArray().ToList();
        Assert.Equal(catalog.Definitions.Count, body.RootElement.GetProperty("count").GetInt32());
        Assert.Equal(catalog.Definitions.Select(d => d.Code).Order(StringComparer.Ordinal), definitions.Select(d => d.GetProperty("code").GetString()));
        var order = definitions.Single(d => d.GetProperty("code").GetString() == "ORDER_NOT_FOUND");
        Assert.Equal("The order does not exist.", order.GetProperty("title").GetString());
        Assert.Equal("A lookup by id found no order.", order.GetProperty("description").GetString());
        Assert.Equal("not_found", order.GetProperty("category").GetString());
        Assert.Equal("info", order.GetProperty("severity").GetString());
        Assert.Equal(404, order.GetProperty("httpStatus").GetInt32());
        Assert.False(order.GetProperty("retryable").GetBoolean());
        Assert.Equal("orders-team", order.GetProperty("owner").GetString());
        Assert.Equal("https://runbooks.example.com/orders/not-found", order.GetProperty("runbook").GetString());
        Assert.Equal("Check the order id the client sent.", order.GetProperty("remediation").GetString());
        Assert.Equal(JsonValueKind.Null, order.GetProperty("replacedBy").ValueKind);
        Assert.False(order.GetProperty("deprecated").GetBoolean());
        var timeout = definitions.Single(d => d.GetProperty("code").GetString() == "OPERATION_TIMEOUT");
        Assert.True(timeout.GetProperty("retryable").GetBoolean());
        Assert.Equal(504, timeout.GetProperty("httpStatus").GetInt32());
    }

    [Fact]
    public async Task StartAsync_PolicyNotRegistered_FailsNamingKeyAndFix()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(configuration: new()
        {
            ["ErrorTelemetry:Triage:AuthorizationPolicy"] = "no-such-policy",
        }));

        Assert.Contains("ErrorTelemetry:Triage:AuthorizationPolicy is 'no-such-policy', but no authorization policy of that name is registered", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddPolicy(\"no-such-policy\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_WindowOutOfRange_FailsNamingKeyAndRange()
    {
        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => StartAsync(configuration: new()
        {
            ["ErrorTelemetry:Triage:AuthorizationPolicy"] = TestWebApp.Policy,
            ["ErrorTelemetry:Triage:Window"] = "00:00:30",
        }));

        Assert.Contains("ErrorTelemetry:Triage:Window is 00:00:30 and must be between 1 minute and 24 hours", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_BufferIsTheRecordersSink()
    {
        await using var app = await StartAsync();

        var sinks = app.Service<IEnumerable<ErrorTelemetry.Failures.Internal.IFailureSink>>().ToList();

        Assert.Same(app.Service<FailureBuffer>(), Assert.Single(sinks));
    }

    private static void AssertAccess(LogLine line, int eventId, LogLevel level, string caller, string path, string? outcome, int? status)
    {
        Assert.Equal(eventId, line.EventId.Id);
        Assert.Equal(level, line.Level);
        Assert.Equal(caller, line.Properties["Caller"]);
        Assert.Equal(path, line.Properties["TriagePath"]);
        if (outcome is not null)
        {
            Assert.Equal(outcome, line.Properties["Outcome"]);
            Assert.Equal(status, line.Properties["StatusCode"]);
        }
    }

    private static async Task<Dictionary<string, JsonElement>> Codes(TestWebApp app)
    {
        using var response = await app.SendAsync(app.Request(FailuresPath, "alice", "oncall"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("codes").EnumerateArray().ToDictionary(c => c.GetProperty("code").GetString()!, c => c.Clone());
    }

    /// <summary>Sends a request that fails, in a trace of our choosing; returns the trace id.</summary>
    private static async Task<string> Fail(TestWebApp app, string path, string? correlationId = null)
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = app.Request(path, traceParent: $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01", baggage: correlationId is null ? null : $"correlation.id={correlationId}");
        using var response = await app.SendAsync(request);
        Assert.True((int)response.StatusCode >= 400);
        return traceId;
    }

    private static Task<TestWebApp> StartAsync(Dictionary<string, string?>? configuration = null, Action<WebApplicationBuilder>? services = null, Action<WebApplication>? pipeline = null) =>
        TestWebApp.StartAsync(
            configuration ?? TriageOn,
            services,
            endpoints: a =>
            {
                pipeline?.Invoke(a);
                a.MapGet("/orders/{id}", (HttpContext c, string id) =>
                {
                    // Until the server-span completion lands, name the span as it will be named: "{method} {route}".
                    var activity = c.Features.Get<IHttpActivityFeature>()!.Activity;
                    activity.DisplayName = "GET /orders/{id}";
                    activity.SetErrorCode(OrderNotFound);
                    return Results.NotFound();
                });
                a.MapGet("/slow", (HttpContext c) =>
                {
                    var activity = c.Features.Get<IHttpActivityFeature>()!.Activity;
                    activity.DisplayName = "GET /slow";
                    activity.RecordError(new TimeoutException("db late"));
                    return Results.StatusCode(StatusCodes.Status504GatewayTimeout);
                });
                a.MapGet("/fine", () => Results.Ok());
            },
            telemetry: o => o.AddDefinition(OrderNotFound));
}
