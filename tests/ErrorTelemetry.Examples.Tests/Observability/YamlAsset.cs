using ErrorTelemetry.Tests.TestSupport;
using YamlDotNet.RepresentationModel;

namespace ErrorTelemetry.Tests.Observability;

/// <summary>Loads the shipped YAML assets and navigates them with short, failing-loudly accessors.</summary>
internal static class YamlAsset
{
    public static YamlMappingNode Load(params string[] relativePath)
    {
        var path = RepositoryPaths.Get(relativePath);
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        Assert.Single(stream.Documents);
        return Assert.IsType<YamlMappingNode>(stream.Documents[0].RootNode);
    }

    public static YamlNode? Find(this YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static YamlMappingNode Map(this YamlMappingNode map, string key) =>
        Assert.IsType<YamlMappingNode>(map.Find(key) ?? throw new Xunit.Sdk.XunitException($"missing key '{key}' at line {map.Start.Line}"));

    public static YamlSequenceNode Seq(this YamlMappingNode map, string key) =>
        Assert.IsType<YamlSequenceNode>(map.Find(key) ?? throw new Xunit.Sdk.XunitException($"missing key '{key}' at line {map.Start.Line}"));

    public static string Scalar(this YamlMappingNode map, string key) =>
        Assert.IsType<YamlScalarNode>(map.Find(key) ?? throw new Xunit.Sdk.XunitException($"missing key '{key}' at line {map.Start.Line}")).Value ?? string.Empty;

    public static string? ScalarOrNull(this YamlMappingNode map, string key) =>
        (map.Find(key) as YamlScalarNode)?.Value;

    public static IEnumerable<string> Keys(this YamlMappingNode map) =>
        map.Children.Keys.Select(k => ((YamlScalarNode)k).Value ?? string.Empty);

    public static IEnumerable<string> Strings(this YamlSequenceNode sequence) =>
        sequence.Children.Select(c => Assert.IsType<YamlScalarNode>(c).Value ?? string.Empty);

    public static IEnumerable<YamlMappingNode> Maps(this YamlSequenceNode sequence) =>
        sequence.Children.Select(c => Assert.IsType<YamlMappingNode>(c));

    public static void Save(YamlMappingNode root, string path)
    {
        using var writer = new StreamWriter(path);
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
    }
}
