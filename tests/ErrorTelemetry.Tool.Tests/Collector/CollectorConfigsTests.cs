using System.Text.RegularExpressions;
using ErrorTelemetry.Tool.Tests.TestSupport;
using YamlDotNet.RepresentationModel;

namespace ErrorTelemetry.Tool.Tests.Collector;

/// <summary>
/// The generated agent and gateway configurations, checked structurally as the shipped otel-collector.yaml is (no
/// collector binary runs here): every reference is defined, every definition is used, memory_limiter comes first,
/// redaction precedes batching and sampling, and the catalog's codes reach the sampling and count settings.
/// </summary>
public sealed class CollectorConfigsTests
{
    [Theory]
    [InlineData("agent")]
    [InlineData("gateway")]
    public async Task Collector_ExampleCatalog_PipelinesAreWiredAndRedactFirst(string kind)
    {
        var config = Load((await ExampleCatalogs.RunAsync("collector", "--kind", kind, "--assembly", ExampleCatalogs.StorefrontAssembly)).Output);
        var service = Map(config, "service");
        var pipelines = Map(service, "pipelines").Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => (YamlMappingNode)p.Value);
        var used = new HashSet<string>(StringComparer.Ordinal);

        foreach (var (name, pipeline) in pipelines)
        {
            var processors = Names(pipeline, "processors");
            Assert.Equal("memory_limiter", processors[0]);
            Assert.True(processors.IndexOf("redaction") == 1, $"{name}: redaction right after memory_limiter");
            foreach (var (section, key) in new[] { ("receivers", "receivers"), ("processors", "processors"), ("exporters", "exporters") })
            {
                foreach (var component in Names(pipeline, key))
                {
                    var defined = Keys(config, section).Contains(component) || Keys(config, "connectors").Contains(component);
                    Assert.True(defined, $"{name}: {component} is not defined");
                    used.Add(component);
                }
            }
        }

        foreach (var section in new[] { "receivers", "processors", "exporters", "connectors" })
        {
            Assert.All(Keys(config, section), c => Assert.Contains(c, used));
        }
    }

    [Fact]
    public async Task Agent_TracesAndLogs_AreLoadBalancedByTraceId()
    {
        var config = Load((await ExampleCatalogs.RunAsync("collector", "--kind", "agent", "--gateway-host", "gw.internal", "--assembly", ExampleCatalogs.StorefrontAssembly)).Output);
        var loadBalancing = Map(Map(config, "exporters"), "loadbalancing");

        Assert.Equal("traceID", Scalar(loadBalancing, "routing_key"));
        Assert.Equal("gw.internal", Scalar(Map(Map(loadBalancing, "resolver"), "dns"), "hostname"));
        var pipelines = Map(Map(config, "service"), "pipelines");
        Assert.Equal(["loadbalancing"], Names(Map(pipelines, "traces"), "exporters"));
        Assert.Equal(["loadbalancing"], Names(Map(pipelines, "logs"), "exporters"));
    }

    [Fact]
    public async Task Gateway_TailSampling_KeepsEveryErrorCodeAndTheCatalogsCriticalCodes()
    {
        var config = Load((await ExampleCatalogs.RunAsync("collector", "--assembly", ExampleCatalogs.StorefrontAssembly, "--sample-percent", "5")).Output);
        var policies = ((YamlSequenceNode)Map(Map(config, "processors"), "tail_sampling")["policies"]).Cast<YamlMappingNode>().ToDictionary(p => Scalar(p, "name"));

        var anyCode = Map(policies["keep-every-error-code"], "string_attribute");
        Assert.Equal("error.code", Scalar(anyCode, "key"));
        Assert.Matches(Scalar((YamlSequenceNode)anyCode["values"], 0), "CHECKOUT_ITEM_UNAVAILABLE");
        var critical = Map(policies["keep-critical-codes"], "string_attribute");
        Assert.Equal(["CONFIGURATION_INVALID", "DEPENDENCY_DB_TIMEOUT"], ((YamlSequenceNode)critical["values"]).Select(v => ((YamlScalarNode)v).Value!).Order());
        Assert.Equal("5", Scalar(Map(policies["sample-the-rest"], "probabilistic"), "sampling_percentage"));

        // Counting happens on a pipeline without tail sampling, so dropped traces are still counted.
        var countPipeline = Map(Map(Map(config, "service"), "pipelines"), "traces/count");
        Assert.DoesNotContain("tail_sampling", Names(countPipeline, "processors"));
        Assert.Contains("count", Names(countPipeline, "exporters"));
    }

    [Fact]
    public async Task Collector_RedactionOptions_ReachTheRedactionProcessor()
    {
        using var temp = new TempDirectory();
        var appsettings = temp.Write("appsettings.json", """
            { "ErrorTelemetry": { "Redaction": { "SensitiveKeys": [ "customer_ref" ], "FailClosed": true, "AllowedKeys": [ "tenant.id" ] } } }
            """);

        var config = Load((await ExampleCatalogs.RunAsync("collector", "--assembly", ExampleCatalogs.StorefrontAssembly, "--config", appsettings)).Output);
        var redaction = Map(Map(config, "processors"), "redaction");

        Assert.Equal("false", Scalar(redaction, "allow_all_keys"));
        var allowed = ((YamlSequenceNode)redaction["allowed_keys"]).Select(v => ((YamlScalarNode)v).Value!).ToList();
        Assert.Superset(new HashSet<string> { "tenant.id", "correlation.id", "error.code", "error.category" }, allowed.ToHashSet());
        var blocked = new Regex(Scalar((YamlSequenceNode)redaction["blocked_key_patterns"], 0), RegexOptions.CultureInvariant);
        Assert.All(["password", "X-Api-Key", "http.request.header.authorization", "order.customer_ref", "user_pin", "db.connection_string"], k => Assert.Matches(blocked, k));
        Assert.All(["shipping.address", "order.id", "error.code", "http.route"], k => Assert.DoesNotMatch(blocked, k));
    }

    private static YamlMappingNode Load(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node[key];

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;

    private static string Scalar(YamlSequenceNode node, int index) => ((YamlScalarNode)node[index]).Value!;

    private static HashSet<string> Keys(YamlMappingNode config, string section) =>
        config.Children.TryGetValue(new YamlScalarNode(section), out var node) && node is YamlMappingNode map
            ? map.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet(StringComparer.Ordinal)
            : [];

    private static List<string> Names(YamlMappingNode pipeline, string key) =>
        pipeline.Children.TryGetValue(new YamlScalarNode(key), out var node)
            ? ((YamlSequenceNode)node).Select(n => ((YamlScalarNode)n).Value!).ToList()
            : [];
}
