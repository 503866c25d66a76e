using ErrorTelemetry.Tests.TestSupport;
using ErrorTelemetry.Tool.Rules;
using ErrorTelemetry.Tool.Tests.TestSupport;
using YamlDotNet.RepresentationModel;

namespace ErrorTelemetry.Tool.Tests.Rules;

public sealed class AlertRulesTests
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);

    private static readonly Dictionary<string, int> Thresholds = new(StringComparer.Ordinal) { ["DEPENDENCY_TIMEOUT"] = 3 };

    [Fact]
    public void Render_StorefrontCatalog_CriticalCodesPageAndErrorCodesWarnAtTheirThreshold()
    {
        var rules = Alerts(AlertRules.Render(ExampleCatalogs.Storefront(), Thresholds, docsUrl: null));

        var critical = rules["ErrorTelemetryFailure_DEPENDENCY_DB_TIMEOUT"];
        Assert.Equal("critical", Scalar(critical, "labels", "severity"));
        Assert.Equal("storefront-dba", Scalar(critical, "labels", "owner"));
        Assert.False(critical.Children.ContainsKey("for"));
        Assert.EndsWith(") > 0", Scalar(critical, "expr").TrimEnd(), StringComparison.Ordinal);
        Assert.Equal("https://runbooks.example.com/storefront/db-timeout", Scalar(critical, "annotations", "runbook_url"));

        var tuned = rules["ErrorTelemetryFailure_DEPENDENCY_TIMEOUT"];
        Assert.Equal("warning", Scalar(tuned, "labels", "severity"));
        Assert.Equal("5m", Scalar(tuned, "for"));
        Assert.EndsWith(") > 3", Scalar(tuned, "expr").TrimEnd(), StringComparison.Ordinal);
        Assert.EndsWith($") > {AlertRules.DefaultErrorThreshold}", Scalar(rules["ErrorTelemetryFailure_OPERATION_TIMEOUT"], "expr").TrimEnd(), StringComparison.Ordinal);

        // Warning and info codes (ORDER_NOT_FOUND, CHECKOUT_ITEM_UNAVAILABLE) do not alert.
        Assert.DoesNotContain("ErrorTelemetryFailure_ORDER_NOT_FOUND", rules.Keys);
        Assert.DoesNotContain("ErrorTelemetryFailure_CHECKOUT_ITEM_UNAVAILABLE", rules.Keys);
    }

    [ToolFact("promtool")]
    public async Task Render_ExampleCatalogs_PromtoolCheckRulesAndTestRulesPass()
    {
        using var temp = new TempDirectory();
        foreach (var (name, assembly) in new[] { ("storefront", ExampleCatalogs.StorefrontAssembly), ("inventory", ExampleCatalogs.InventoryAssembly) })
        {
            var rules = temp.File(name + ".rules.yml");
            var tests = temp.File(name + ".rules.test.yml");
            var (exitCode, _, error) = await ExampleCatalogs.RunAsync("rules", "--assembly", assembly, "--threshold", "DEPENDENCY_TIMEOUT=3", "--docs-url", "https://docs.example.com/errors.md", "-o", rules, "--tests", tests);
            Assert.True(exitCode == 0, error);

            var check = await ExternalTool.RunAsync("promtool", ["check", "rules", rules], ToolTimeout);
            Assert.True(check.ExitCode == 0, check.Describe("promtool check rules"));
            var test = await ExternalTool.RunAsync("promtool", ["test", "rules", tests], ToolTimeout);
            Assert.True(test.ExitCode == 0, test.Describe("promtool test rules"));
        }
    }

    [ToolFact("promtool")]
    public async Task RenderTests_RulesWithAThresholdOtherThanTheCatalogs_PromtoolTestFails()
    {
        using var temp = new TempDirectory();
        var catalog = ExampleCatalogs.Storefront();
        temp.Write("generated.rules.yml", AlertRules.Render(catalog, Thresholds, null).Replace(") > 3", ") > 300", StringComparison.Ordinal));
        var tests = temp.Write("generated.rules.test.yml", AlertRules.RenderTests(catalog, Thresholds, null, "generated.rules.yml"));

        var test = await ExternalTool.RunAsync("promtool", ["test", "rules", tests], ToolTimeout);

        Assert.NotEqual(0, test.ExitCode);
        Assert.Contains("ErrorTelemetryFailure_DEPENDENCY_TIMEOUT", test.StandardOutput + test.StandardError, StringComparison.Ordinal);
    }

    private static Dictionary<string, YamlMappingNode> Alerts(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        return ((YamlSequenceNode)root["groups"]).Cast<YamlMappingNode>()
            .SelectMany(g => ((YamlSequenceNode)g["rules"]).Cast<YamlMappingNode>())
            .ToDictionary(r => ((YamlScalarNode)r["alert"]).Value!, StringComparer.Ordinal);
    }

    private static string Scalar(YamlMappingNode node, params string[] path)
    {
        YamlNode current = node;
        foreach (var key in path)
        {
            current = ((YamlMappingNode)current)[key];
        }

        return ((YamlScalarNode)current).Value!;
    }
}
