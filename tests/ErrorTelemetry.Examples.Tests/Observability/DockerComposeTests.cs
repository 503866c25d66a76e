using ErrorTelemetry.Tests.TestSupport;
using YamlDotNet.RepresentationModel;

namespace ErrorTelemetry.Tests.Observability;

/// <summary>
/// docker-compose.yml cannot run here (no Docker); these tests prove it parses, wires the expected services with pinned
/// images, and mounts files that exist.
/// </summary>
public sealed class DockerComposeTests
{
    private static readonly string ComposeDirectory = RepositoryPaths.Get("examples", "observability");

    private readonly YamlMappingNode _services = YamlAsset.Load("examples", "observability", "docker-compose.yml").Map("services");

    [Theory]
    [InlineData("otel-collector", "otel/opentelemetry-collector-contrib")]
    [InlineData("jaeger", "jaegertracing/")]
    [InlineData("prometheus", "prom/prometheus")]
    [InlineData("alertmanager", "prom/alertmanager")]
    [InlineData("grafana", "grafana/grafana")]
    public void Service_Defined_UsesPinnedImageAndHostNetwork(string service, string imagePrefix)
    {
        var definition = _services.Map(service);
        var image = definition.Scalar("image");

        Assert.StartsWith(imagePrefix, image, StringComparison.Ordinal);
        var tag = image[(image.LastIndexOf(':') + 1)..];
        Assert.Matches("^v?[0-9]+\\.[0-9]+\\.[0-9]+$", tag);

        // The shipped prometheus.yml and otel-collector.yaml address everything on 127.0.0.1.
        Assert.Equal("host", definition.Scalar("network_mode"));
    }

    [Fact]
    public void Volumes_BindMounts_PointAtFilesThatExist()
    {
        var mounts = _services.Children.Values.Cast<YamlMappingNode>()
            .SelectMany(s => s.Find("volumes") is YamlSequenceNode v ? v.Strings() : [])
            .Where(v => v.StartsWith('.'))
            .ToList();

        Assert.NotEmpty(mounts);
        Assert.All(mounts, mount =>
        {
            var source = Path.GetFullPath(Path.Combine(ComposeDirectory, mount.Split(':')[0]));
            Assert.True(File.Exists(source) || System.IO.Directory.Exists(source), $"{mount}: {source} does not exist");
        });
    }

    [Fact]
    public void Collector_MountsTheRootCollectorConfig()
    {
        var volumes = _services.Map("otel-collector").Seq("volumes").Strings();

        Assert.Contains("../../otel-collector.yaml:/etc/otelcol-contrib/config.yaml:ro", volumes);
    }

    [Fact]
    public void PrometheusAndAlertmanager_ListenWhereTheConfigsPoint()
    {
        var prometheus = _services.Map("prometheus").Seq("command").Strings().ToList();
        var alertmanager = _services.Map("alertmanager").Seq("command").Strings().ToList();

        Assert.Contains("--config.file=/etc/prometheus/prometheus.yml", prometheus);
        Assert.Contains("./alerts:/etc/prometheus/alerts:ro", _services.Map("prometheus").Seq("volumes").Strings());
        Assert.Contains("--web.listen-address=127.0.0.1:9093", alertmanager);
        Assert.Contains("--cluster.listen-address=", alertmanager);
    }
}
