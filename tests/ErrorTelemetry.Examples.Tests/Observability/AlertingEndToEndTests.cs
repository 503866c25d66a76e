using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using ErrorTelemetry.Tests.TestSupport;
using Storefront;

namespace ErrorTelemetry.Tests.Observability;

/// <summary>
/// Failures of the real example storefront travel the whole alerting path: real requests -> AddErrorTelemetry's
/// failure counter -> MapErrorTelemetryPrometheusEndpoint -> real Prometheus running the shipped rules -> real
/// Alertmanager running the shipped routing -> webhook notification.
/// </summary>
[Collection(AlertingPipelineDefinition.Name)]
public sealed partial class AlertingEndToEndTests(AlertingPipeline stack)
{
    private static readonly ErrorDefinition Critical = StorefrontErrors.DatabaseTimeout;
    private static readonly TimeSpan AlertTimeout = TimeSpan.FromSeconds(45);

    [ToolFact("prometheus", "prometheus-alertmanager")]
    public async Task StorefrontFailureBurst_CriticalAndUnclassifiedAlertsReachAlertmanagerAndPager_OtherRulesStayQuiet()
    {
        await stack.EnsureStartedAsync();
        Assert.Equal("critical", Critical.SeverityName);
        var criticalCount = AlertingPipeline.BurstCount(Critical);
        var unclassifiedCount = AlertingPipeline.BurstCount(BuiltInErrors.Unclassified);

        // Alertmanager's API: the critical alert arrived, with the catalog's labels the rule keeps and the receiver
        // the shipped route chose.
        var critical = await AlertmanagerAlertAsync("ErrorTelemetryCriticalFailure", Critical.Code);
        Assert.Equal("critical", Label(critical, "severity"));
        Assert.Equal(Critical.CategoryName, Label(critical, "error_category"));
        Assert.Equal("storefront", Label(critical, "job"));
        Assert.Equal("storefront", Label(critical, "team"));
        Assert.Equal("active", critical.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal(["pager"], Receivers(critical));
        Assert.Equal($"Critical failure {Critical.Code} in storefront", Annotation(critical, "summary"));
        // Prometheus may have scraped the burst half-way; the count is never more than was sent.
        Assert.Matches(new Regex($"^[1-{criticalCount}] failure\\(s\\) with the critical-severity error code {Critical.Code} \\(category {Critical.CategoryName}\\) in storefront during the last 5 minutes\\.$"), Annotation(critical, "description"));
        Assert.Equal($"https://runbooks.example.com/errortelemetry/{Critical.Code}", Annotation(critical, "runbook_url"));

        // The plain bug in GET /recommendations matched no catalog entry: a ticket for the catalog gap, naming the route.
        var unclassified = await AlertmanagerAlertAsync("ErrorTelemetryUnclassifiedFailure", BuiltInErrors.Unclassified.Code);
        Assert.Equal("warning", Label(unclassified, "severity"));
        Assert.Equal("GET /recommendations", Label(unclassified, "operation"));
        Assert.Equal("storefront", Label(unclassified, "job"));
        Assert.Equal("storefront", Label(unclassified, "team"));
        Assert.Equal(["tickets"], Receivers(unclassified));
        Assert.Matches(new Regex($"^[1-{unclassifiedCount}] failure\\(s\\) in GET /recommendations matched no catalog entry"), Annotation(unclassified, "description"));

        // The shipped route's group_wait for critical alerts is 10s: the pager webhook is called after that, and only
        // ever with critical alerts.
        await stack.WaitUntilAsync(
            () => Task.FromResult(stack.Sink.Notifications.Any(n => n.Receiver == "pager" && NotifiedAlerts(n.Body).Any(a => Label(a, "alertname") == "ErrorTelemetryCriticalFailure" && Label(a, "error_code") == Critical.Code))),
            stack.SinceBurst,
            "the pager webhook was never notified",
            AlertTimeout);
        Assert.All(stack.Sink.Notifications.Where(n => n.Receiver == "pager").SelectMany(n => NotifiedAlerts(n.Body)), a => Assert.Equal("critical", Label(a, "severity")));

        // The shipped job name is the service's own name (service.name, as target_info reports it).
        var target = Assert.Single(await stack.QueryAsync("target_info{job=\"storefront\"}"));
        Assert.Equal("storefront", target.Labels.GetValueOrDefault("service_name"));

        // Prometheus has the series of every code of the burst, with the severities the real catalog gave them ...
        var series = await stack.QueryAsync("errortelemetry_failures_total{job=\"storefront\"}");
        Assert.Equal(
            AlertingPipeline.Burst.Where(b => b.Failure is not null).Select(b => $"{b.Failure!.Code}/{b.Failure.SeverityName}").Order(StringComparer.Ordinal),
            series.Select(s => $"{s.Labels["error_code"]}/{s.Labels["error_severity"]}").Order(StringComparer.Ordinal));

        // ... yet, in rule evaluations that saw all of them, only the two expected alerts are active: the critical rule
        // ignored the info, warning and error codes; the "new error code" rule held back during its one-day warm-up
        // (every code of a freshly scraped service is new); nothing overflowed.
        await stack.WaitUntilAsync(
            async () => (await AlertRulesAsync()).Values.All(r => r.GetProperty("lastEvaluation").GetDateTimeOffset() > stack.BurstScrapedAt),
            stack.SinceBurst,
            "the alert rules were not evaluated after the burst was scraped",
            AlertTimeout);
        var rules = await AlertRulesAsync();
        Assert.Equal("firing", rules["ErrorTelemetryCriticalFailure"].GetProperty("state").GetString());
        Assert.Equal("firing", rules["ErrorTelemetryUnclassifiedFailure"].GetProperty("state").GetString());
        foreach (var quiet in new[] { "ErrorTelemetryNewErrorCode", "ErrorTelemetryFailureSeriesOverflow" })
        {
            Assert.Equal("ok", rules[quiet].GetProperty("health").GetString());
            Assert.Equal("inactive", rules[quiet].GetProperty("state").GetString());
        }

        var active = (await stack.GetJsonAsync(new Uri(stack.PrometheusAddress, "/api/v1/alerts"))).GetProperty("data").GetProperty("alerts").EnumerateArray()
            .Select(a => $"{Label(a, "alertname")}/{Label(a, "error_code")}")
            .Where(a => !a.StartsWith("ErrorTelemetryErrorBudgetBurn", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        Assert.Equal([$"ErrorTelemetryCriticalFailure/{Critical.Code}", $"ErrorTelemetryUnclassifiedFailure/{BuiltInErrors.Unclassified.Code}"], active);
    }

    [ToolFact("prometheus", "prometheus-alertmanager", "promtool")]
    public async Task StorefrontMetricsEndpoint_AfterTheBurst_PassesPromtoolCheckMetrics()
    {
        await stack.EnsureStartedAsync();
        var exposition = await stack.Http.GetStringAsync(new Uri(stack.Storefront.BaseAddress, "/metrics"));
        Assert.Contains("errortelemetry_failures_total{", exposition, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds_bucket{", exposition, StringComparison.Ordinal);

        // check metrics lints as well as parses: naming, units, _total on counters, HELP and TYPE lines.
        var result = await ExternalTool.RunAsync("promtool", ["check", "metrics"], TimeSpan.FromSeconds(30), standardInput: exposition);

        Assert.True(result.ExitCode == 0 && result.StandardOutput.Trim().Length == 0 && result.StandardError.Trim().Length == 0, result.Describe("promtool check metrics") + "\n--- input ---\n" + exposition);
    }

    [ToolFact("prometheus", "prometheus-alertmanager")]
    public async Task ShippedRulesAndDashboardQueries_OnTheStorefrontsSeries_EvaluateHealthyWithDataAndGroupingLabels()
    {
        await stack.EnsureStartedAsync();

        // Every shipped rule has been evaluated on the burst's series and is healthy.
        await stack.WaitUntilAsync(
            async () => (await AllRulesAsync()).All(r => r.GetProperty("lastEvaluation").GetDateTimeOffset() > stack.BurstScrapedAt),
            Stopwatch.StartNew(),
            "not every shipped rule was evaluated after the burst was scraped",
            TimeSpan.FromSeconds(15));
        Assert.All(await AllRulesAsync(), r => Assert.True(r.GetProperty("health").GetString() == "ok", $"{r.GetProperty("name").GetString()}: {(r.TryGetProperty("lastError", out var e) ? e.GetString() : null)}"));

        // Every dashboard query, with Grafana's variables substituted, returns series from the storefront, and each
        // series has a value for every label the query groups by: a metric or label name the endpoint does not emit
        // would give no series, or series with an empty label.
        using var dashboard = GrafanaDashboardTests.LoadDashboard();
        foreach (var (panel, expression) in GrafanaDashboardTests.PanelQueries(dashboard.RootElement))
        {
            var query = expression.Replace("$__rate_interval", "1m", StringComparison.Ordinal).Replace("$__range", "5m", StringComparison.Ordinal).Replace("$job", "storefront", StringComparison.Ordinal);
            var groupedBy = GroupingLabels().Matches(expression).SelectMany(m => m.Groups["labels"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Where(l => l != "le").Distinct().ToList();
            List<(Dictionary<string, string> Labels, string Value)> result = [];
            await stack.WaitUntilAsync(
                async () => (result = await stack.QueryAsync(query)).Count > 0,
                Stopwatch.StartNew(),
                $"panel '{panel}' returned no series for {query}",
                TimeSpan.FromSeconds(10));
            Assert.All(result, s => Assert.All(groupedBy, label => Assert.False(string.IsNullOrEmpty(s.Labels.GetValueOrDefault(label)), $"panel '{panel}': a series without {label}: {string.Join(",", s.Labels)}")));
        }
    }

    private async Task<JsonElement> AlertmanagerAlertAsync(string alertName, string errorCode)
    {
        JsonElement alert = default;
        await stack.WaitUntilAsync(
            async () =>
            {
                var alerts = await stack.GetJsonAsync(new Uri(stack.AlertmanagerAddress, "/api/v2/alerts?filter=" + Uri.EscapeDataString($"alertname=\"{alertName}\"")));
                alert = alerts.EnumerateArray().FirstOrDefault(a => Label(a, "error_code") == errorCode);
                return alert.ValueKind == JsonValueKind.Object;
            },
            stack.SinceBurst,
            $"{alertName} for {errorCode} never reached Alertmanager",
            AlertTimeout);
        return alert;
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

    private static string? Annotation(JsonElement alert, string name) =>
        alert.GetProperty("annotations").TryGetProperty(name, out var value) ? value.GetString() : null;

    private static IEnumerable<string?> Receivers(JsonElement alert) =>
        alert.GetProperty("receivers").EnumerateArray().Select(r => r.GetProperty("name").GetString());

    [GeneratedRegex("\\bby\\s*\\((?<labels>[^()]*)\\)")]
    private static partial Regex GroupingLabels();
}
