using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ErrorTelemetry.Tests.TestSupport;

namespace ErrorTelemetry.Tests.TraceViewer;

/// <summary>
/// The example services, each in its own process, export to the real Aspire dashboard — storefront over
/// OTLP/HTTP (protobuf), inventory over OTLP/gRPC — and the test reads back, through the dashboard's telemetry API,
/// what a person would see in its trace and log views.
/// </summary>
public class AspireDashboardTests
{
    // Planted by the test in request bodies, headers and query strings: none may reach the dashboard.
    private const string BodyEmail = "grace.planted@example.com";
    private const string QueryEmail = "margaret.planted@example.com";
    private const string BearerToken = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0.c2VjcmV0cGxhbnRlZA";
    private const string QueryToken = "planted-query-token-8e1b";

    [AspireDashboardFact]
    public async Task Dashboard_CrossServiceFailures_OneTraceCodesStatusCausesCorrelatedLogsNoSecrets()
    {
        using var dashboard = await AspireDashboard.StartAsync();
        var fast = new Dictionary<string, string>
        {
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
            ["Logging__OpenTelemetry__IncludeFormattedMessage"] = "true",
        };
        await using var inventory = await ExampleService.StartAsync(
            "Inventory",
            new Dictionary<string, string>(fast) { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = dashboard.OtlpGrpc.ToString(), ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc" });
        await using var storefront = await ExampleService.StartAsync(
            "Storefront",
            new Dictionary<string, string>(fast) { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = dashboard.OtlpHttp.ToString(), ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf" },
            "--Inventory:BaseUrl",
            inventory.Url.ToString());

        using var client = new HttpClient { BaseAddress = storefront.Url, Timeout = TimeSpan.FromSeconds(30) };
        await WarmUpCheckoutAsync(client);
        var outOfStock = await Send(client, HttpMethod.Post, $"/checkout?token={QueryToken}", new { sku = "SKU-2", quantity = 1, email = BodyEmail }, HttpStatusCode.Conflict);
        var slow = await Send(client, HttpMethod.Post, "/checkout", new { sku = "SKU-SLOW", quantity = 1, email = BodyEmail }, HttpStatusCode.GatewayTimeout);
        var bug = await Send(client, HttpMethod.Get, "/recommendations?email=" + Uri.EscapeDataString(QueryEmail), null, HttpStatusCode.InternalServerError);

        // A graceful stop flushes both services' last batches to the dashboard.
        await storefront.StopAsync();
        await inventory.StopAsync();

        // Both services arrived, one per protocol.
        using var resources = await dashboard.WaitForAsync("resources", r => r.GetArrayLength() >= 2);
        Assert.Equal(["inventory", "storefront"], resources.RootElement.EnumerateArray().Select(r => r.GetProperty("name").GetString()).Order());

        // One trace spans both services: storefront's checkout and the inventory reservation it called.
        using var trace = await dashboard.WaitForAsync($"traces/{outOfStock}", t => Spans(t).Select(s => s.Service).Distinct().Count() == 2);
        var spans = Spans(trace.RootElement);
        Assert.All(spans, s => Assert.Equal(outOfStock, s.Span.GetProperty("traceId").GetString()));
        var checkout = Server(spans, "storefront");
        var reservation = Server(spans, "inventory");
        Assert.Equal("CHECKOUT_ITEM_UNAVAILABLE", checkout.Attributes["error.type"]);
        Assert.Equal("INVENTORY_OUT_OF_STOCK", checkout.Attributes["error.cause.code"]);
        Assert.Equal("INVENTORY_OUT_OF_STOCK", reservation.Attributes["error.type"]);
        var call = spans.Single(s => s.Service == "storefront" && s.Kind == 3);
        Assert.Equal(call.Span.GetProperty("spanId").GetString(), reservation.Span.GetProperty("parentSpanId").GetString());

        // Error status only for 5xx: the 409s are unset, the 504 and the 500 are errors.
        using var slowTrace = await dashboard.WaitForAsync($"traces/{slow}", t => Spans(t).Count > 0);
        using var bugTrace = await dashboard.WaitForAsync($"traces/{bug}", t => Spans(t).Count > 0);
        var slowCheckout = Server(Spans(slowTrace.RootElement), "storefront");
        var crash = Server(Spans(bugTrace.RootElement), "storefront");
        Assert.Equal("DEPENDENCY_TIMEOUT", slowCheckout.Attributes["error.type"]);
        Assert.Equal("UNCLASSIFIED", crash.Attributes["error.type"]);
        foreach (var server in new[] { checkout, reservation, slowCheckout, crash })
        {
            var status = int.Parse(server.Attributes["http.response.status_code"], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(status >= 500 == server.IsError, $"{server.Service} {server.Span.GetProperty("name")} answered {status}, status code {server.StatusCode}");
        }

        using var failed = await dashboard.WaitForAsync("spans?hasError=true", s => Spans(s).Count > 0);
        var failedServers = Spans(failed.RootElement).Where(s => s.Kind == 2).ToList();
        Assert.Contains(failedServers, s => s.Attributes["error.type"] == "DEPENDENCY_TIMEOUT");
        Assert.Contains(failedServers, s => s.Attributes["error.type"] == "UNCLASSIFIED");
        Assert.DoesNotContain(failedServers, s => s.Attributes["error.type"] is "CHECKOUT_ITEM_UNAVAILABLE" or "INVENTORY_OUT_OF_STOCK");

        // Every log record of the trace that carries a correlation id carries its span's; each service logged its failure, as a sentence.
        using var logs = await dashboard.WaitForAsync($"logs?traceId={outOfStock}", l => Logs(l).Count(r => r.Category == "ErrorTelemetry.AspNetCore") == 2);
        var records = Logs(logs.RootElement);
        var correlationBySpan = spans.ToDictionary(s => s.Span.GetProperty("spanId").GetString()!, s => s.Attributes.GetValueOrDefault("correlation.id"));
        var correlated = records.Where(r => r.Attributes.ContainsKey("correlation.id")).ToList();
        Assert.NotEmpty(correlated);
        Assert.All(correlated, r => Assert.Equal(correlationBySpan[r.SpanId], r.Attributes["correlation.id"]));
        var failureLogs = records.Where(r => r.Category == "ErrorTelemetry.AspNetCore").ToList();
        Assert.Equal(["INVENTORY_OUT_OF_STOCK", "CHECKOUT_ITEM_UNAVAILABLE"], failureLogs.Select(r => r.Attributes["error.code"]).Order(StringComparer.Ordinal).Reverse());
        Assert.All(failureLogs, r => Assert.Equal(checkout.Attributes["correlation.id"], r.Attributes["correlation.id"]));
        Assert.Contains(failureLogs, r => r.Body == "POST /checkout failed with CHECKOUT_ITEM_UNAVAILABLE; answered 409");

        // None of the planted secrets anywhere the dashboard holds. (The percent-encoded query e-mail is checked by
        // the skipped test below: ASP.NET Core's "Request starting" log still carries it.)
        var everything = await Everything(dashboard, slow, bug);
        foreach (var secret in new[] { BodyEmail, QueryEmail, BearerToken, QueryToken, "grace.planted" })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.OrdinalIgnoreCase);
        }
    }

    [AspireDashboardFact]
    public async Task Dashboard_PercentEncodedEmailInQuery_NowhereInDashboard()
    {
        using var dashboard = await AspireDashboard.StartAsync();
        await using var storefront = await ExampleService.StartAsync(
            "Storefront",
            new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = dashboard.OtlpHttp.ToString(), ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf" });
        using var client = new HttpClient { BaseAddress = storefront.Url };
        var bug = await Send(client, HttpMethod.Get, "/recommendations?email=" + Uri.EscapeDataString(QueryEmail), null, HttpStatusCode.InternalServerError);
        await storefront.StopAsync();
        using var logs = await dashboard.WaitForAsync($"logs?traceId={bug}", l => Logs(l).Count > 0);

        var everything = await Everything(dashboard, bug);

        Assert.DoesNotContain("margaret.planted", everything, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<string> Everything(AspireDashboard dashboard, params string[] traceIds)
    {
        var parts = new List<string> { await dashboard.GetAsync("traces"), await dashboard.GetAsync("spans"), await dashboard.GetAsync("logs") };
        foreach (var traceId in traceIds)
        {
            parts.Add(await dashboard.GetAsync($"logs?traceId={traceId}"));
        }

        return string.Join("\n", parts);
    }

    /// <summary>
    /// Places one order before the asserted requests: the storefront gives the inventory 1 s (its downstream-timeout
    /// case), and the first call between two freshly started processes on a loaded machine can take longer, which
    /// answered the out-of-stock checkout 504 instead of 409.
    /// </summary>
    private static async Task WarmUpCheckoutAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            using var response = await client.PostAsJsonAsync("/checkout", new { sku = "SKU-1", quantity = 1 });
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            Assert.True(
                response.StatusCode == HttpStatusCode.GatewayTimeout && DateTime.UtcNow < deadline,
                $"The warm-up order answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>Sends one request in a trace of the test's choosing, with a bearer token; returns the trace id.</summary>
    private static async Task<string> Send(HttpClient client, HttpMethod method, string path, object? body, HttpStatusCode expected)
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", BearerToken);
        using var response = await client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        return traceId;
    }

    private static DashboardSpan Server(List<DashboardSpan> spans, string service) => spans.Single(s => s.Service == service && s.Kind == 2);

    private static List<DashboardSpan> Spans(JsonElement root)
    {
        var result = new List<DashboardSpan>();
        foreach (var resource in root.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var service = ServiceName(resource);
            foreach (var scope in resource.GetProperty("scopeSpans").EnumerateArray())
            {
                foreach (var span in scope.GetProperty("spans").EnumerateArray())
                {
                    var status = span.TryGetProperty("status", out var s) && s.TryGetProperty("code", out var code) ? code.GetInt32() : 0;
                    result.Add(new DashboardSpan(service, span.GetProperty("kind").GetInt32(), status, Attributes(span), span.Clone()));
                }
            }
        }

        return result;
    }

    private static List<DashboardLog> Logs(JsonElement root)
    {
        var result = new List<DashboardLog>();
        foreach (var resource in root.GetProperty("data").GetProperty("resourceLogs").EnumerateArray())
        {
            foreach (var scope in resource.GetProperty("scopeLogs").EnumerateArray())
            {
                var category = scope.GetProperty("scope").GetProperty("name").GetString()!;
                foreach (var record in scope.GetProperty("logRecords").EnumerateArray())
                {
                    var body = record.TryGetProperty("body", out var b) && b.TryGetProperty("stringValue", out var text) ? text.GetString() : null;
                    result.Add(new DashboardLog(ServiceName(resource), category, record.GetProperty("spanId").GetString() ?? string.Empty, body, Attributes(record)));
                }
            }
        }

        return result;
    }

    private static string ServiceName(JsonElement resource) =>
        Attributes(resource.GetProperty("resource")).GetValueOrDefault("service.name") ?? "?";

    // The dashboard's API gives every attribute value as a string.
    private static Dictionary<string, string> Attributes(JsonElement element)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (element.TryGetProperty("attributes", out var attributes))
        {
            foreach (var attribute in attributes.EnumerateArray())
            {
                var value = attribute.GetProperty("value");
                result[attribute.GetProperty("key").GetString()!] = value.TryGetProperty("stringValue", out var s) ? s.GetString() ?? string.Empty : value.GetRawText();
            }
        }

        return result;
    }

    private sealed record DashboardSpan(string Service, int Kind, int StatusCode, Dictionary<string, string> Attributes, JsonElement Span)
    {
        public bool IsError => StatusCode == 2;
    }

    private sealed record DashboardLog(string Service, string Category, string SpanId, string? Body, Dictionary<string, string> Attributes);
}
