using ErrorTelemetry.Tests.TestSupport;
using Inventory;
using Storefront;
using YamlDotNet.RepresentationModel;

namespace ErrorTelemetry.Tests.Observability;

/// <summary>
/// The shipped Prometheus and Alertmanager assets, checked by the real tools (promtool, amtool) and for the
/// conventions the tools cannot check (labels, annotations, and a unit test per alert).
/// </summary>
public sealed class ObservabilityAssetsTests
{
    private static readonly string Directory = RepositoryPaths.Get("examples", "observability");
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);
    private static readonly string[] Severities = ["critical", "warning", "info"];

    [ToolFact("promtool")]
    public async Task PrometheusConfig_PromtoolCheckConfig_Succeeds()
    {
        var result = await ExternalTool.RunAsync("promtool", ["check", "config", "prometheus.yml"], ToolTimeout, workingDirectory: Directory);

        Assert.True(result.ExitCode == 0, result.Describe("promtool check config prometheus.yml"));
        Assert.Contains("SUCCESS: 1 rule files found", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    [ToolFact("promtool")]
    public async Task AlertRules_PromtoolCheckRules_Succeeds()
    {
        var result = await ExternalTool.RunAsync("promtool", ["check", "rules", "alerts/errortelemetry.rules.yml"], ToolTimeout, workingDirectory: Directory);

        Assert.True(result.ExitCode == 0, result.Describe("promtool check rules"));
        Assert.Contains("SUCCESS", result.StandardOutput, StringComparison.Ordinal);
    }

    [ToolFact("promtool")]
    public async Task AlertRules_PromtoolTestRules_AllUnitTestsPass()
    {
        var result = await ExternalTool.RunAsync("promtool", ["test", "rules", "alerts/errortelemetry.rules.test.yml"], ToolTimeout, workingDirectory: Directory);

        Assert.True(result.ExitCode == 0, result.Describe("promtool test rules"));
        Assert.Contains("SUCCESS", result.StandardOutput, StringComparison.Ordinal);
    }

    [ToolFact("amtool")]
    public async Task AlertmanagerConfig_AmtoolCheckConfig_Succeeds()
    {
        var result = await ExternalTool.RunAsync("amtool", ["check-config", "alertmanager.yml"], ToolTimeout, workingDirectory: Directory);

        Assert.True(result.ExitCode == 0, result.Describe("amtool check-config alertmanager.yml"));
        Assert.Contains("SUCCESS", result.StandardOutput, StringComparison.Ordinal);
    }

    [ToolFact("amtool")]
    public async Task AlertmanagerConfig_EveryShippedAlert_RoutesToTheReceiverOfItsSeverity()
    {
        var expectedReceiver = new Dictionary<string, string> { ["critical"] = "pager", ["warning"] = "tickets", ["info"] = "notifications" };
        foreach (var alert in LoadAlerts())
        {
            var severity = alert.Labels["severity"];
            var result = await ExternalTool.RunAsync(
                "amtool",
                ["config", "routes", "test", "--config.file=alertmanager.yml", $"--verify.receivers={expectedReceiver[severity]}", $"alertname={alert.Name}", $"severity={severity}", "job=storefront", "team=storefront"],
                ToolTimeout,
                workingDirectory: Directory);

            Assert.True(result.ExitCode == 0, $"{alert.Name} ({severity}): " + result.Describe("amtool config routes test"));
            Assert.Equal(expectedReceiver[severity], result.StandardOutput.Trim());
        }
    }

    [Fact]
    public void AlertRules_EveryAlert_HasSeverityAndAnnotations()
    {
        var alerts = LoadAlerts();

        Assert.Equal(
            ["ErrorTelemetryCriticalFailure", "ErrorTelemetryErrorBudgetBurnFast", "ErrorTelemetryErrorBudgetBurnSlow", "ErrorTelemetryFailureRateHigh", "ErrorTelemetryFailureSeriesOverflow", "ErrorTelemetryNewErrorCode", "ErrorTelemetryUnclassifiedFailure"],
            alerts.Select(a => a.Name).Order(StringComparer.Ordinal));
        Assert.All(alerts, alert =>
        {
            Assert.Contains(alert.Labels["severity"], Severities);
            Assert.All(new[] { "summary", "description", "runbook_url" }, key => Assert.False(string.IsNullOrWhiteSpace(alert.Annotations.GetValueOrDefault(key)), $"{alert.Name} lacks annotation {key}"));
        });
    }

    [Fact]
    public void AlertRulesTests_EveryAlert_IsTestedFiringAndNotFiringWithItsOwner()
    {
        var tests = YamlAsset.Load("examples", "observability", "alerts", "errortelemetry.rules.test.yml");
        Assert.Equal(["errortelemetry.rules.yml"], tests.Seq("rule_files").Strings());
        var cases = tests.Seq("tests").Maps()
            .SelectMany(t => t.Find("alert_rule_test") is YamlSequenceNode s ? s.Maps() : [])
            .Select(c => (Alert: c.Scalar("alertname"), Expected: c.Find("exp_alerts") is YamlSequenceNode e ? e.Maps().ToList() : []))
            .ToList();

        Assert.All(LoadAlerts(), alert =>
        {
            var firing = cases.Where(c => c.Alert == alert.Name && c.Expected.Count > 0).SelectMany(c => c.Expected).ToList();
            Assert.True(firing.Count > 0, $"{alert.Name} has no promtool case where it fires");
            Assert.True(cases.Any(c => c.Alert == alert.Name && c.Expected.Count == 0), $"{alert.Name} has no promtool case where it does not fire");

            // The owner comes from the series (target label `team`): an aggregation that drops it would lose it, and
            // promtool compares labels exactly, so the expected labels prove the alert keeps team and job.
            Assert.All(firing, expected =>
            {
                var labels = expected.Map("exp_labels");
                Assert.Equal(alert.Labels["severity"], labels.Scalar("severity"));
                Assert.False(string.IsNullOrEmpty(labels.ScalarOrNull("team")), $"{alert.Name} fires without a team label");
                Assert.False(string.IsNullOrEmpty(labels.ScalarOrNull("job")), $"{alert.Name} fires without a job label");
                Assert.NotNull(expected.Find("exp_annotations"));
            });
        });
    }

    [Fact]
    public void PrometheusConfig_ScrapesExampleServicesAndSendsToAlertmanager()
    {
        var config = YamlAsset.Load("examples", "observability", "prometheus.yml");

        var targets = config.Seq("scrape_configs").Maps().ToDictionary(
            job => job.Scalar("job_name"),
            job => job.Seq("static_configs").Maps().SelectMany(s => s.Seq("targets").Strings()).ToList());
        // The example services' own default addresses (what `dotnet run` in examples/ listens on).
        Assert.Equal([new Uri(StorefrontApp.DefaultUrl).Authority], targets["storefront"]);
        Assert.Equal([new Uri(InventoryApp.DefaultUrl).Authority], targets["inventory"]);
        Assert.Equal(["127.0.0.1:5080"], targets["storefront"]);
        Assert.Equal(["127.0.0.1:5081"], targets["inventory"]);
        Assert.All(
            config.Seq("scrape_configs").Maps().Where(j => j.Scalar("job_name") is "storefront" or "inventory"),
            job => Assert.Equal("/metrics", job.Scalar("metrics_path")));
        Assert.Equal(["alerts/errortelemetry.rules.yml"], config.Seq("rule_files").Strings());
        Assert.Equal(
            ["127.0.0.1:9093"],
            config.Map("alerting").Seq("alertmanagers").Maps().SelectMany(a => a.Seq("static_configs").Maps()).SelectMany(s => s.Seq("targets").Strings()));
    }

    internal static List<AlertRule> LoadAlerts()
    {
        var rules = YamlAsset.Load("examples", "observability", "alerts", "errortelemetry.rules.yml");
        return rules.Seq("groups").Maps()
            .SelectMany(g => g.Seq("rules").Maps())
            .Where(r => r.Find("alert") is not null)
            .Select(r => new AlertRule(
                r.Scalar("alert"),
                r.Scalar("expr"),
                r.Map("labels").Keys().ToDictionary(k => k, k => r.Map("labels").Scalar(k)),
                r.Map("annotations").Keys().ToDictionary(k => k, k => r.Map("annotations").Scalar(k))))
            .ToList();
    }

    internal sealed record AlertRule(string Name, string Expression, Dictionary<string, string> Labels, Dictionary<string, string> Annotations);
}
