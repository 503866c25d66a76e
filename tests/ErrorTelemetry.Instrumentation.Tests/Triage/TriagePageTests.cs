using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Tests.Triage;

/// <summary>The triage endpoint's HTML view and trace links, on the in-memory test server (the browser tests run it in chromium).</summary>
[Collection(SerialWebHosts.Name)]
public class TriagePageTests
{
    internal const string FailuresPath = "/_errortelemetry/failures";
    internal const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
    internal const string Viewer = "https://jaeger.example.com/trace/{traceId}?uiFind={spanId}";

    /// <summary>Catalog text that tries to inject markup and script; the page must show it as text.</summary>
    internal static readonly ErrorDefinition Injected = new("PAYMENT_DECLINED", ErrorCategory.BusinessRule, "<script>document.title='pwned'</script><b id=\"injected\">bold</b>")
    {
        Owner = "payments-team\"><img src=x id=\"injected-img\">",
        RunbookUrl = new Uri("https://runbooks.example.com/payments?card=1&view=\"><b>"),
        Remediation = "Ask the <i>customer</i> for another card.",
    };

    internal static readonly ErrorDefinition OrderNotFound = new("ORDER_NOT_FOUND", ErrorCategory.NotFound, "The order does not exist.")
    {
        Owner = "orders-team",
        RunbookUrl = new Uri("https://runbooks.example.com/orders/not-found"),
        Remediation = "Check the order id the client sent.",
    };

    [Fact]
    public async Task Failures_BrowserAccept_ServesPageWithStrictHeadersAndTraceLinks()
    {
        await using var app = await StartAsync();
        var order = await Fail(app, "/orders/1");
        var newest = await Fail(app, "/orders/2");

        using var response = await app.SendAsync(Browser(app, "alice", "oncall"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.StartsWith("default-src 'none'; style-src 'sha256-", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("Accept", response.Headers.Vary);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);

        // Newest first, each trace linked to the span the failure was counted on.
        var exported = app.Spans.Items.Where(s => s.Kind == ActivityKind.Server && (string?)s.Tag("error.code") == "ORDER_NOT_FOUND").ToList();
        var newestSpan = exported.Single(s => s.TraceId == newest).SpanId;
        var orderSpan = exported.Single(s => s.TraceId == order).SpanId;
        var newestLink = html.IndexOf($"href=\"https://jaeger.example.com/trace/{newest}?uiFind={newestSpan}\"", StringComparison.Ordinal);
        var olderLink = html.IndexOf($"href=\"https://jaeger.example.com/trace/{order}?uiFind={orderSpan}\"", StringComparison.Ordinal);
        Assert.True(newestLink > 0 && olderLink > newestLink, html);
    }

    [Fact]
    public async Task Failures_JsonClients_GetTraceLinksInJson()
    {
        await using var app = await StartAsync();
        var older = await Fail(app, "/orders/1");
        var newest = await Fail(app, "/orders/2");
        app.Flush();
        var spans = app.Spans.Items.Where(s => s.Kind == ActivityKind.Server && s.Tag("error.code") is not null).ToDictionary(s => s.TraceId, s => s.SpanId);

        using var request = app.Request(FailuresPath, "alice", "oncall");
        request.Headers.Add("Accept", "application/json");
        using var response = await app.SendAsync(request);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var code = body.RootElement.GetProperty("codes")[0];

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            [$"https://jaeger.example.com/trace/{newest}?uiFind={spans[newest]}", $"https://jaeger.example.com/trace/{older}?uiFind={spans[older]}"],
            code.GetProperty("sampleTraceLinks").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(spans[newest], code.GetProperty("samples")[0].GetProperty("spanId").GetString());
        Assert.Equal($"https://jaeger.example.com/trace/{newest}?uiFind={spans[newest]}", code.GetProperty("samples")[0].GetProperty("traceLink").GetString());
    }

    [Fact]
    public async Task FailedRequest_TraceLinkConfigured_NeverInTheCallersResponse()
    {
        await using var app = await StartAsync();

        using var request = app.Request("/orders/1");
        request.Headers.Add("Accept", BrowserAccept);
        using var html = await app.SendAsync(request);
        using var json = await app.SendAsync(app.Request("/orders/2"));
        using var bug = await app.SendAsync(app.Request("/boom"));

        foreach (var response in new[] { html, json, bug })
        {
            Assert.True((int)response.StatusCode >= 400);
            var everything = response.Headers + "\n" + response.Content.Headers + "\n" + await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("jaeger.example.com", everything, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Failures_MarkupInCatalogText_EncodedAsText()
    {
        await using var app = await StartAsync();
        await Fail(app, "/pay");

        using var response = await app.SendAsync(Browser(app, "alice", "oncall"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains("&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;&lt;b id=&quot;injected&quot;&gt;bold&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.Contains("payments-team&quot;&gt;&lt;img src=x id=&quot;injected-img&quot;&gt;", html, StringComparison.Ordinal);
        Assert.Contains("Ask the &lt;i&gt;customer&lt;/i&gt; for another card.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b id", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://runbooks.example.com/payments?card=1&amp;view=%22%3E%3Cb%3E\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?code=order", new[] { "ORDER_NOT_FOUND" })]
    [InlineData("?severity=warning", new[] { "PAYMENT_DECLINED" })]
    [InlineData("?severity=ERROR&code=&route=", new[] { "OPERATION_TIMEOUT" })]
    [InlineData("?route=%2Fpay", new[] { "PAYMENT_DECLINED" })]
    [InlineData("?q=orders-team", new[] { "ORDER_NOT_FOUND" })]
    [InlineData("?q=nothing-matches", new string[0])]
    [InlineData("?sort=last", new[] { "OPERATION_TIMEOUT", "PAYMENT_DECLINED", "ORDER_NOT_FOUND" })]
    [InlineData("", new[] { "ORDER_NOT_FOUND", "PAYMENT_DECLINED", "OPERATION_TIMEOUT" })]
    public async Task Failures_QueryString_FiltersAndSortsOnTheServer(string query, string[] expected)
    {
        await using var app = await StartAsync();
        await Fail(app, "/orders/1");
        await Fail(app, "/orders/2");
        await Fail(app, "/orders/3");
        await Fail(app, "/pay");
        await Fail(app, "/pay");
        await Fail(app, "/slow");

        using var request = Browser(app, "alice", "oncall", FailuresPath + query);
        using var response = await app.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(expected, RowCodes(html));
    }

    [Theory]
    [InlineData(null, null, HttpStatusCode.Unauthorized)]
    [InlineData("bob", "developer", HttpStatusCode.Forbidden)]
    public async Task Failures_PageForUnauthorisedCaller_RefusedWithoutData(string? user, string? role, HttpStatusCode expected)
    {
        await using var app = await StartAsync();
        await Fail(app, "/orders/1");

        using var response = await app.SendAsync(Browser(app, user, role));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(expected, response.StatusCode);
        Assert.DoesNotContain("ORDER_NOT_FOUND", body, StringComparison.Ordinal);
        Assert.DoesNotContain("jaeger", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BadTraceLinkTemplate_HostStopsNamingKey()
    {
        var configuration = new Dictionary<string, string?>
        {
            ["ErrorTelemetry:Triage:AuthorizationPolicy"] = TestWebApp.Policy,
            ["ErrorTelemetry:Triage:TraceLinkTemplate"] = "https://jaeger.example.com/trace/{trace_id}",
        };

        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => TestWebApp.StartAsync(configuration));

        Assert.Contains("ErrorTelemetry:Triage:TraceLinkTemplate is 'https://jaeger.example.com/trace/{trace_id}' and has no {traceId} placeholder", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The codes of the page's table rows, in order.</summary>
    internal static List<string> RowCodes(string html) =>
        [.. System.Text.RegularExpressions.Regex.Matches(html, "<tr><th scope=\"row\"><code>([A-Z_]+)</code>").Select(m => m.Groups[1].Value)];

    internal static void MapFailingEndpoints(WebApplication a)
    {
        a.MapGet("/orders/{id}", (HttpContext c, string id) =>
        {
            var activity = c.Features.Get<IHttpActivityFeature>()!.Activity;
            activity.DisplayName = "GET /orders/{id}";
            activity.SetErrorCode(OrderNotFound);
            return Results.NotFound();
        });
        a.MapGet("/pay", (HttpContext c) =>
        {
            var activity = c.Features.Get<IHttpActivityFeature>()!.Activity;
            activity.DisplayName = "GET /pay";
            activity.SetErrorCode(Injected);
            return Results.UnprocessableEntity();
        });
        a.MapGet("/slow", (HttpContext c) =>
        {
            var activity = c.Features.Get<IHttpActivityFeature>()!.Activity;
            activity.DisplayName = "GET /slow";
            activity.RecordError(new TimeoutException("db late"));
            return Results.StatusCode(StatusCodes.Status504GatewayTimeout);
        });
        a.MapGet("/boom", IResult () => throw new InvalidOperationException("a plain bug"));
    }

    private static HttpRequestMessage Browser(TestWebApp app, string? user, string? role, string path = FailuresPath)
    {
        var request = app.Request(path, user, role);
        request.Headers.Add("Accept", BrowserAccept);
        return request;
    }

    private static async Task<string> Fail(TestWebApp app, string path)
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var response = await app.SendAsync(app.Request(path, traceParent: $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01"));
        Assert.True((int)response.StatusCode >= 400);
        return traceId;
    }

    private static Task<TestWebApp> StartAsync() =>
        TestWebApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["ErrorTelemetry:Triage:AuthorizationPolicy"] = TestWebApp.Policy,
                ["ErrorTelemetry:Triage:TraceLinkTemplate"] = Viewer,
            },
            endpoints: MapFailingEndpoints,
            telemetry: o => o.AddDefinition(OrderNotFound).AddDefinition(Injected));
}
