using System.Text.Json;
using System.Text.RegularExpressions;
using ErrorTelemetry.Tests.TestSupport;

namespace ErrorTelemetry.Tests.Observability;

/// <summary>
/// The Grafana dashboard: valid JSON, a datasource variable used by every panel, panels for the views the project
/// promises, and PromQL that only names metrics of the ErrorTelemetry contract.
/// </summary>
public sealed partial class GrafanaDashboardTests
{
    /// <summary>The metric names the telemetry contract exposes through the scrape endpoint.</summary>
    internal static readonly HashSet<string> ContractMetrics = new(StringComparer.Ordinal)
    {
        "errortelemetry_failures_total",
        "http_server_request_duration_seconds_bucket",
        "http_server_request_duration_seconds_sum",
        "http_server_request_duration_seconds_count",
        "http_client_request_duration_seconds_bucket",
        "http_client_request_duration_seconds_sum",
        "http_client_request_duration_seconds_count",
    };

    private static readonly HashSet<string> NotMetricNames = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "offset", "bool", "inf", "nan",
        "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile",
    };

    [Fact]
    public void Dashboard_Json_ParsesWithDatasourceVariableUsedByEveryPanel()
    {
        using var dashboard = LoadDashboard();
        var root = dashboard.RootElement;

        var variables = root.GetProperty("templating").GetProperty("list").EnumerateArray().ToList();
        Assert.Contains(variables, v => v.GetProperty("type").GetString() == "datasource" && v.GetProperty("name").GetString() == "datasource" && v.GetProperty("query").GetString() == "prometheus");
        Assert.All(Panels(root), panel =>
        {
            Assert.Equal("${datasource}", panel.GetProperty("datasource").GetProperty("uid").GetString());
            Assert.All(panel.GetProperty("targets").EnumerateArray(), t => Assert.Equal("${datasource}", t.GetProperty("datasource").GetProperty("uid").GetString()));
        });
    }

    [Fact]
    public void Dashboard_EveryPanelQuery_ReferencesOnlyContractMetrics()
    {
        using var dashboard = LoadDashboard();

        var queries = PanelQueries(dashboard.RootElement).ToList();

        Assert.NotEmpty(queries);
        Assert.All(queries, query =>
        {
            var metrics = MetricNames(query.Expression);
            Assert.True(metrics.Count > 0, $"panel '{query.Panel}' queries no metric: {query.Expression}");
            Assert.All(metrics, m => Assert.True(ContractMetrics.Contains(m), $"panel '{query.Panel}' uses {m}, which is not in the telemetry contract"));
        });
    }

    [Fact]
    public void Dashboard_Panels_CoverCodesCategoriesServicesAndFailedVersusSuccessfulLatency()
    {
        using var dashboard = LoadDashboard();
        var expressions = PanelQueries(dashboard.RootElement).Select(q => Regex.Replace(q.Expression, "\\s+", " ")).ToList();

        Assert.Contains(expressions, e => e.StartsWith("sum by (error_code) (rate(errortelemetry_failures_total", StringComparison.Ordinal));
        Assert.Contains(expressions, e => e.StartsWith("topk(10, sum by (error_code) (increase(errortelemetry_failures_total", StringComparison.Ordinal));
        Assert.Contains(expressions, e => e.StartsWith("sum by (error_category) (rate(errortelemetry_failures_total", StringComparison.Ordinal));
        Assert.Contains(expressions, e => e.StartsWith("sum by (job) (rate(errortelemetry_failures_total", StringComparison.Ordinal));
        Assert.Contains(expressions, e => e.Contains("histogram_quantile(0.95", StringComparison.Ordinal) && e.Contains("http_response_status_code=~\"5..\"", StringComparison.Ordinal));
        Assert.Contains(expressions, e => e.Contains("histogram_quantile(0.95", StringComparison.Ordinal) && e.Contains("http_response_status_code!~\"5..\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Provisioning_DashboardPathAndDatasource_MatchDockerCompose()
    {
        var provider = Assert.Single(YamlAsset.Load("examples", "observability", "grafana", "provisioning", "dashboards", "errortelemetry.yml").Seq("providers").Maps());
        var datasource = Assert.Single(YamlAsset.Load("examples", "observability", "grafana", "provisioning", "datasources", "prometheus.yml").Seq("datasources").Maps());
        var grafana = YamlAsset.Load("examples", "observability", "docker-compose.yml").Map("services").Map("grafana");

        Assert.Equal("prometheus", datasource.Scalar("type"));
        Assert.Equal("http://127.0.0.1:9090", datasource.Scalar("url"));
        Assert.Contains("./grafana/dashboards:" + provider.Map("options").Scalar("path") + ":ro", grafana.Seq("volumes").Strings());
    }

    [Fact]
    public void MetricNames_PromQlWithFunctionsLabelsAndRanges_FindsOnlyMetrics()
    {
        var names = MetricNames("histogram_quantile(0.95, sum by (le, job) (rate(http_server_request_duration_seconds_bucket{job=~\"$job\", le!=\"x{y}\"}[$__rate_interval]))) / on (job) group_left up offset 5m");

        Assert.Equal(["http_server_request_duration_seconds_bucket", "up"], names.Order(StringComparer.Ordinal));
    }

    internal static JsonDocument LoadDashboard() =>
        JsonDocument.Parse(File.ReadAllText(RepositoryPaths.Get("examples", "observability", "grafana", "dashboards", "errortelemetry.json")));

    internal static IEnumerable<(string Panel, string Expression)> PanelQueries(JsonElement root) =>
        Panels(root).SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => (p.GetProperty("title").GetString()!, t.GetProperty("expr").GetString()!)));

    /// <summary>The metric names a PromQL expression selects (not functions, keywords, label names or values).</summary>
    internal static HashSet<string> MetricNames(string expression)
    {
        var text = StringLiteral().Replace(expression, "\"\"");
        text = Braces().Replace(text, " ");
        text = Brackets().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in Identifier().Matches(text))
        {
            var name = match.Groups["name"].Value;
            var isCall = match.Groups["call"].Success;
            if (!isCall && !NotMetricNames.Contains(name))
            {
                names.Add(name);
            }
        }

        return names;
    }

    private static IEnumerable<JsonElement> Panels(JsonElement root) =>
        root.GetProperty("panels").EnumerateArray().SelectMany(p => p.TryGetProperty("panels", out var nested) ? nested.EnumerateArray().Prepend(p) : [p])
            .Where(p => p.TryGetProperty("targets", out _));

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`")]
    private static partial Regex StringLiteral();

    [GeneratedRegex("\\{[^{}]*\\}")]
    private static partial Regex Braces();

    [GeneratedRegex("\\[[^\\[\\]]*\\]")]
    private static partial Regex Brackets();

    [GeneratedRegex("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^()]*\\)")]
    private static partial Regex Grouping();

    [GeneratedRegex("(?<![A-Za-z0-9_:$.])(?<name>[A-Za-z_:][A-Za-z0-9_:]*)(?<call>\\s*\\()?")]
    private static partial Regex Identifier();
}
