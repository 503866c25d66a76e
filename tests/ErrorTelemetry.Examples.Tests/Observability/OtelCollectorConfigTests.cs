using System.Text.RegularExpressions;
using ErrorTelemetry.Tests.TestSupport;
using YamlDotNet.RepresentationModel;

namespace ErrorTelemetry.Tests.Observability;

/// <summary>
/// The root otel-collector.yaml, checked for the wiring rules the collector only enforces at startup (references,
/// connectors on both ends), for the ordering it does not enforce at all (memory_limiter first, redaction before any
/// exporter), and for redaction patterns that really match what they claim to.
/// </summary>
public sealed class OtelCollectorConfigTests
{
    private static readonly string[] Sections = ["receivers", "processors", "exporters", "connectors", "extensions"];

    private readonly YamlMappingNode _config = YamlAsset.Load("otel-collector.yaml");

    [Fact]
    public void Pipelines_EveryReference_IsADefinedComponent()
    {
        var receivers = Defined("receivers");
        var processors = Defined("processors");
        var exporters = Defined("exporters");
        var connectors = Defined("connectors");

        Assert.All(Pipelines(), pipeline =>
        {
            Assert.All(pipeline.Receivers, r => Assert.True(receivers.Contains(r) || connectors.Contains(r), $"{pipeline.Name}: unknown receiver {r}"));
            Assert.All(pipeline.Processors, p => Assert.True(processors.Contains(p), $"{pipeline.Name}: unknown processor {p}"));
            Assert.All(pipeline.Exporters, e => Assert.True(exporters.Contains(e) || connectors.Contains(e), $"{pipeline.Name}: unknown exporter {e}"));
            Assert.NotEmpty(pipeline.Receivers);
            Assert.NotEmpty(pipeline.Exporters);
        });
        Assert.All(_config.Map("service").Seq("extensions").Strings(), e => Assert.Contains(e, Defined("extensions")));
    }

    [Fact]
    public void Connectors_EachOne_IsAnExporterInOnePipelineAndAReceiverInAnother()
    {
        var pipelines = Pipelines();

        Assert.All(Defined("connectors"), connector =>
        {
            var feeding = pipelines.Where(p => p.Exporters.Contains(connector)).Select(p => p.Name).ToList();
            var fed = pipelines.Where(p => p.Receivers.Contains(connector)).Select(p => p.Name).ToList();
            Assert.True(feeding.Count > 0, $"connector {connector} is never used as an exporter");
            Assert.True(fed.Count > 0, $"connector {connector} is never used as a receiver");
            Assert.Empty(feeding.Intersect(fed));
        });
    }

    [Fact]
    public void Pipelines_MemoryLimiterFirst_AndRedactionBeforeEveryTraceAndLogExporter()
    {
        Assert.All(Pipelines(), pipeline =>
        {
            Assert.Equal("memory_limiter", pipeline.Processors.FirstOrDefault());
            if (pipeline.Signal is "traces" or "logs")
            {
                // Processors run before exporters and connectors, so redaction in the processor list is ahead of all of them.
                Assert.Contains("redaction", pipeline.Processors);
                Assert.True(pipeline.Processors.IndexOf("redaction") < pipeline.Processors.IndexOf("batch"), $"{pipeline.Name}: redact before batching");
            }
        });
        Assert.Contains(Pipelines(), p => p.Signal == "traces");
        Assert.Contains(Pipelines(), p => p.Signal == "logs");
    }

    [Fact]
    public void Components_EveryDefinedOne_IsUsed()
    {
        var pipelines = Pipelines();
        var usedAsReceiver = pipelines.SelectMany(p => p.Receivers).ToHashSet();
        var usedAsProcessor = pipelines.SelectMany(p => p.Processors).ToHashSet();
        var usedAsExporter = pipelines.SelectMany(p => p.Exporters).ToHashSet();

        Assert.All(Defined("receivers"), r => Assert.Contains(r, usedAsReceiver));
        Assert.All(Defined("processors"), p => Assert.Contains(p, usedAsProcessor));
        Assert.All(Defined("exporters"), e => Assert.Contains(e, usedAsExporter));
        Assert.All(Defined("extensions"), e => Assert.Contains(e, _config.Map("service").Seq("extensions").Strings()));
    }

    [Fact]
    public void Components_RequiredOnesAreDefinedOnTheirPorts()
    {
        var otlp = _config.Map("receivers").Map("otlp").Map("protocols");

        Assert.EndsWith(":4317", otlp.Map("grpc").Scalar("endpoint"), StringComparison.Ordinal);
        Assert.EndsWith(":4318", otlp.Map("http").Scalar("endpoint"), StringComparison.Ordinal);
        Assert.EndsWith(":8889", _config.Map("exporters").Map("prometheus").Scalar("endpoint"), StringComparison.Ordinal);
        Assert.Superset(new HashSet<string> { "otlp/jaeger", "prometheus", "debug" }, Defined("exporters"));
        Assert.Superset(new HashSet<string> { "memory_limiter", "batch", "redaction" }, Defined("processors"));
        Assert.Equal("true", _config.Map("processors").Map("redaction").Scalar("allow_all_keys"));
    }

    [Fact]
    public void CountConnector_ErrorSpansAndErrorLogs_AreCountedByErrorCode()
    {
        var count = _config.Map("connectors").Map("count");

        foreach (var signal in new[] { "spans", "logs" })
        {
            var metric = Assert.Single(count.Map(signal).Children).Value;
            var definition = Assert.IsType<YamlMappingNode>(metric);
            var conditions = definition.Seq("conditions").Strings().ToList();
            Assert.Contains("attributes[\"error.code\"] != nil", conditions);
            Assert.Contains(signal == "spans" ? "status.code == STATUS_CODE_ERROR" : "severity_number >= SEVERITY_NUMBER_ERROR", conditions);
            var attribute = Assert.Single(definition.Seq("attributes").Maps());
            Assert.Equal("error.code", attribute.Scalar("key"));
            Assert.Equal("UNCLASSIFIED", attribute.Scalar("default_value"));
        }
    }

    [Theory]
    [InlineData("alice@example.com")]
    [InlineData("4111111111111111")]
    [InlineData("5500000000000004")]
    [InlineData("378282246310005")]
    [InlineData("6011111111111117")]
    [InlineData("4111 1111 1111 1111")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")]
    [InlineData("Bearer abc.DEF-123_x")]
    [InlineData("authorization: bearer 0123456789abcdef")]
    public void Redaction_BlockedValues_MatchSecretsAndPersonalData(string secret)
    {
        Assert.Contains(BlockedValuePatterns(), p => p.IsMatch(secret));
    }

    [Theory]
    [InlineData("GET /orders/{id}")]
    [InlineData("DEPENDENCY_DB_TIMEOUT")]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736")]
    [InlineData("1700000000000")]
    [InlineData("order 12345 shipped")]
    [InlineData("https://shop.example/checkout?step=2")]
    public void Redaction_BlockedValues_LeaveOrdinaryValuesAlone(string value)
    {
        Assert.DoesNotContain(BlockedValuePatterns(), p => p.IsMatch(value));
    }

    [Fact]
    public void Components_EachBlock_HasACommentSayingWhyItIsThere()
    {
        var lines = File.ReadAllLines(RepositoryPaths.Get("otel-collector.yaml"));

        foreach (var section in Sections)
        {
            var sectionNode = _config.Map(section);
            var sectionKey = _config.Children.Keys.First(k => ((YamlScalarNode)k).Value == section);
            foreach (var component in sectionNode.Children.Keys)
            {
                // A comment directly above the component, or above its section when the section holds only it.
                var commented = IsCommentAbove(lines, component.Start.Line)
                    || (sectionNode.Children.Count == 1 && IsCommentAbove(lines, sectionKey.Start.Line));
                Assert.True(commented, $"{section}.{component} has no comment above it");
            }
        }
    }

    private static bool IsCommentAbove(string[] lines, long oneBasedLine) =>
        oneBasedLine >= 2 && lines[oneBasedLine - 2].TrimStart().StartsWith('#');

    private List<Regex> BlockedValuePatterns()
    {
        var patterns = _config.Map("processors").Map("redaction").Seq("blocked_values").Strings().ToList();
        Assert.NotEmpty(patterns);

        // RE2 and .NET agree on the constructs used here (classes, \b, \s, (?:), (?i)); a pattern .NET rejects would
        // very likely be rejected by the collector too.
        return patterns.Select(p => new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))).ToList();
    }

    private HashSet<string> Defined(string section) =>
        _config.Find(section) is YamlMappingNode map ? map.Keys().ToHashSet(StringComparer.Ordinal) : [];

    private List<Pipeline> Pipelines() =>
        _config.Map("service").Map("pipelines").Children
            .Select(p =>
            {
                var name = ((YamlScalarNode)p.Key).Value!;
                var body = (YamlMappingNode)p.Value;
                List<string> Names(string key) => body.Find(key) is YamlSequenceNode s ? s.Strings().ToList() : [];
                return new Pipeline(name, name.Split('/')[0], Names("receivers"), Names("processors"), Names("exporters"));
            })
            .ToList();

    private sealed record Pipeline(string Name, string Signal, List<string> Receivers, List<string> Processors, List<string> Exporters);
}
