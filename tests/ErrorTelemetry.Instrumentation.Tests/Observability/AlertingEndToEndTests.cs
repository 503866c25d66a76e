using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using ErrorTelemetry.Tests.TestSupport;

namespace ErrorTelemetry.Tests.Observability;

/// <summary>
/// Failures recorded by a real service travel the whole alerting path: scrape endpoint -> real Prometheus running the
/// shipped rules -> real Alertmanager running the shipped routing -> webhook notification.
/// </summary>
[Collection(AlertingPipelineDefinition.Name)]
public sealed class AlertingEndToEndTests(AlertingPipeline stack)
{
    private const string CriticalCode = "DEPENDENCY_DB_TIMEOUT";
    private static readonly TimeSpan AlertTimeout = TimeSpan.FromSeconds(45);

    [ToolFact("prometheus", "prometheus-alertmanager")]
    public async Task CriticalFailureBurst_ReachesAlertmanagerAndPagerWithCodeLabels_WhileUnclassifiedStaysInactive()
    {
        await stack.EnsureStartedAsync();
        Assert.Equal("critical", StandInFailingService.AssumedCatalog[CriticalCode].Severity);
        var elapsed = Stopwatch.StartNew();

        await stack.Service.FailAsync(stack.Http, CriticalCode, count: 5);

        // Alertmanager's API: the alert arrived, with the labels the rule keeps and the receiver the route chose.
        JsonElement alert = default;
        await stack.WaitUntilAsync(
            async () =>
            {
                var alerts = await stack.GetJsonAsync(new Uri(stack.AlertmanagerAddress, "/api/v2/alerts?filter=" + Uri.EscapeDataString("alertname=\"ErrorTelemetryCriticalFailure\"")));
                alert = alerts.EnumerateArray().FirstOrDefault(a => Label(a, "error_code") == CriticalCode);
                return alert.ValueKind == JsonValueKind.Object;
            },
            elapsed,
            "ErrorTelemetryCriticalFailure never reached Alertmanager",
            AlertTimeout);

        Assert.Equal("critical", Label(alert, "severity"));
        Assert.Equal("dependency", Label(alert, "error_category"));
        Assert.Equal("storefront", Label(alert, "job"));
        Assert.Equal("storefront", Label(alert, "team"));
        Assert.Equal("active", alert.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal(["pager"], alert.GetProperty("receivers").EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        Assert.Equal($"Critical failure {CriticalCode} in storefront", alert.GetProperty("annotations").GetProperty("summary").GetString());
        Assert.Matches(new Regex($"^[1-5] failure\\(s\\) with the critical-severity error code {CriticalCode} \\(category dependency\\) in storefront"), alert.GetProperty("annotations").GetProperty("description").GetString());
        Assert.Equal($"https://runbooks.example.com/errortelemetry/{CriticalCode}", alert.GetProperty("annotations").GetProperty("runbook_url").GetString());

        // The shipped route's group_wait for critical alerts is 10s: the pager webhook is called after that.
        await stack.WaitUntilAsync(
            () => Task.FromResult(stack.Sink.Notifications.Any(n => n.Receiver == "pager" && NotifiedAlerts(n.Body).Any(a => Label(a, "alertname") == "ErrorTelemetryCriticalFailure" && Label(a, "error_code") == CriticalCode))),
            elapsed,
            "the pager webhook was never notified",
            AlertTimeout);
        Assert.DoesNotContain(stack.Sink.Notifications, n => n.Receiver != "pager");

        // Prometheus's API: the critical rule fires, and the UNCLASSIFIED rule was evaluated (healthy, recently) and is
        // not firing, because no failure was unclassified.
        var rules = await AlertRulesAsync();
        Assert.Equal("firing", rules["ErrorTelemetryCriticalFailure"].GetProperty("state").GetString());
        var unclassified = rules["ErrorTelemetryUnclassifiedFailure"];
        Assert.Equal("ok", unclassified.GetProperty("health").GetString());
        Assert.Equal("inactive", unclassified.GetProperty("state").GetString());
        Assert.True(unclassified.GetProperty("lastEvaluation").GetDateTimeOffset() > stack.StartedAt, "the UNCLASSIFIED rule was never evaluated");
        var firing = await stack.GetJsonAsync(new Uri(stack.PrometheusAddress, "/api/v1/alerts"));
        Assert.DoesNotContain(firing.GetProperty("data").GetProperty("alerts").EnumerateArray(), a => Label(a, "alertname") == "ErrorTelemetryUnclassifiedFailure");
    }

    [ToolFact("prometheus", "prometheus-alertmanager")]
    public async Task ShippedRulesAndDashboardQueries_EvaluateWithoutErrorsInRealPrometheus()
    {
        await stack.EnsureStartedAsync();

        // Every shipped rule has been evaluated at least once and is healthy.
        await stack.WaitUntilAsync(
            async () => (await AllRulesAsync()).All(r => r.GetProperty("lastEvaluation").GetDateTimeOffset() > stack.StartedAt),
            Stopwatch.StartNew(),
            "not every shipped rule was evaluated",
            TimeSpan.FromSeconds(15));
        Assert.All(await AllRulesAsync(), r => Assert.True(r.GetProperty("health").GetString() == "ok", $"{r.GetProperty("name").GetString()}: {(r.TryGetProperty("lastError", out var e) ? e.GetString() : null)}"));

        // Every dashboard query, with Grafana's variables substituted, is valid PromQL for the real engine.
        using var dashboard = GrafanaDashboardTests.LoadDashboard();
        foreach (var (panel, expression) in GrafanaDashboardTests.PanelQueries(dashboard.RootElement))
        {
            var query = expression.Replace("$__rate_interval", "1m", StringComparison.Ordinal).Replace("$__range", "5m", StringComparison.Ordinal).Replace("$job", ".*", StringComparison.Ordinal);
            var result = await stack.GetJsonAsync(new Uri(stack.PrometheusAddress, "/api/v1/query?query=" + Uri.EscapeDataString(query)));
            Assert.True(result.GetProperty("status").GetString() == "success", $"panel '{panel}': {result}");
        }
    }

    private async Task<Dictionary<string, JsonElement>> AlertRulesAsync() =>
        (await AllRulesAsync()).Where(r => r.GetProperty("type").GetString() == "alerting").ToDictionary(r => r.GetProperty("name").GetString()!);

    private async Task<List<JsonElement>> AllRulesAsync()
    {
        var rules = await stack.GetJsonAsync(new Uri(stack.PrometheusAddress, "/api/v1/rules"));
        return rules.GetProperty("data").GetProperty("groups").EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray()).ToList();
    }

    private static IEnumerable<JsonElement> NotifiedAlerts(JsonElement webhookBody) =>
        webhookBody.TryGetProperty("alerts", out var alerts) ? alerts.EnumerateArray() : [];

    private static string? Label(JsonElement alert, string name) =>
        alert.TryGetProperty("labels", out var labels) && labels.TryGetProperty(name, out var value) ? value.GetString() : null;
}
