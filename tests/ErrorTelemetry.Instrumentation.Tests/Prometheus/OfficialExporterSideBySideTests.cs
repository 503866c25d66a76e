using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace ErrorTelemetry.Tests.Prometheus;

/// <summary>
/// Our scrape endpoint and the official <c>OpenTelemetry.Exporter.Prometheus.AspNetCore</c> one in one app, on one
/// MeterProvider: both map (no CS0121, neither bound to the other's route) and expose the same series.
/// </summary>
[Collection(TestWebHost.Collection)]
public sealed partial class OfficialExporterSideBySideTests
{
    private const string OursPath = "/errortelemetry/metrics";
    private const string OfficialPath = "/metrics";
    private const int Failures = 3;

    [ToolFact("prometheus")]
    public async Task BothEndpoints_ScrapedByRealPrometheus_ReportSameFailureSeries()
    {
        await using var host = await StartAsync(meter: null);
        for (var i = 0; i < Failures; i++)
        {
            using var response = await host.Client.GetAsync("/orders/0");
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        }

        var temp = Directory.CreateTempSubdirectory("errortelemetry-prom-");
        try
        {
            var port = ExternalTool.GetFreeTcpPort();
            var prometheusAddress = new Uri($"http://127.0.0.1:{port}");
            var config = Path.Combine(temp.FullName, "prometheus.yml");
            await File.WriteAllTextAsync(config, PrometheusConfig(host.Client.BaseAddress!));
            using var prometheus = ExternalTool.Start(
                "prometheus",
                ["--config.file=" + config, "--storage.tsdb.path=" + Path.Combine(temp.FullName, "data"), $"--web.listen-address=127.0.0.1:{port}"],
                temp.FullName);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

            // Both jobs are scraped from one MeterProvider whose failure counter no longer changes: once each job
            // reports the three failures, the two series must be identical but for the job label.
            const string Query = "errortelemetry_failures_total{error_code=\"HTTP_SERVER_ERROR\",operation=\"GET /orders/{id}\"}";
            var series = new List<(Dictionary<string, string> Labels, string Value)>();
            var elapsed = Stopwatch.StartNew();
            while (!(series.Count == 2 && series.All(s => s.Value == Failures.ToString(CultureInfo.InvariantCulture))))
            {
                Assert.False(prometheus.HasExited || elapsed.Elapsed > TimeSpan.FromSeconds(30), $"Prometheus never reported {Failures} failures from both jobs (last: {Describe(series)}).\n{prometheus.Describe()}");
                await Task.Delay(250);
                series = await QueryAsync(http, prometheusAddress, Query);
            }

            var byJob = series.ToDictionary(s => s.Labels["job"], s => s, StringComparer.Ordinal);
            Assert.Equal(["errortelemetry", "official"], byJob.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(WithoutTarget(byJob["official"].Labels), WithoutTarget(byJob["errortelemetry"].Labels));
            Assert.Equal("errortelemetry_failures_total", byJob["errortelemetry"].Labels["__name__"]);
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Exposition_SameInstruments_MatchesOfficialNamesTypesLabelsAndBuckets()
    {
        using var meter = new Meter("ErrorTelemetry.Tests.SideBySide", "2.1.0");
        await using var host = await StartAsync(meter);
        using (var response = await host.Client.GetAsync("/orders/0"))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        }

        meter.CreateCounter<long>("jobs.done", "{job}", "Jobs done.").Add(4, new KeyValuePair<string, object?>("queue.name", "emails"));
        meter.CreateCounter<double>("cpu.time", "s").Add(1.5);
        meter.CreateCounter<long>("payload.size", "By").Add(3, new KeyValuePair<string, object?>("ratio", 1.0), new KeyValuePair<string, object?>("retried", true));
        meter.CreateUpDownCounter<long>("queue.depth").Add(-2);
        meter.CreateObservableGauge("pool.usage", () => 0.25, "1");
        var latency = meter.CreateHistogram<double>("request.latency", "ms", "Latency.");
        latency.Record(0.5);
        latency.Record(7, new KeyValuePair<string, object?>("http.route", "/a"));
        var sized = meter.CreateHistogram<double>("request.size", "By", null, null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 2.5, 1000] });
        sized.Record(2);

        var official = Families(await ScrapeAsync(host.Client, OfficialPath));
        var ours = Families(await ScrapeAsync(host.Client, OursPath));

        // Our meter and the failure counter: values that do not move between the two scrapes.
        string[] compared = ["errortelemetry_failures_total", "jobs_done_total", "cpu_time_seconds_total", "payload_size_bytes_total", "queue_depth", "pool_usage", "request_latency_milliseconds", "request_size_bytes"];
        foreach (var name in compared)
        {
            Assert.True(official.TryGetValue(name, out var expected), $"official exposition has no {name}: {string.Join(", ", official.Keys)}");
            Assert.True(ours.TryGetValue(name, out var actual), $"our exposition has no {name}: {string.Join(", ", ours.Keys)}");
            Assert.Equal(expected.Type, actual.Type);
            Assert.Equal(expected.Samples, actual.Samples);
        }

        Assert.Contains("request_size_bytes_bucket{le=\"2.5\",otel_scope_name=\"ErrorTelemetry.Tests.SideBySide\",otel_scope_version=\"2.1.0\"} 1", ours["request_size_bytes"].Samples);

        // Every family either exposes is named the same by the other (time-varying values aside).
        Assert.Equal(official.Keys.Order(StringComparer.Ordinal), ours.Keys.Order(StringComparer.Ordinal));
    }

    private static Task<TestWebHost> StartAsync(Meter? meter) =>
        TestWebHost.StartAsync(
            app =>
            {
                app.MapPrometheusScrapingEndpoint();
                app.MapErrorTelemetryPrometheusEndpoint(OursPath);
                app.MapGet("/orders/{id}", (int id) => id == 0 ? Results.StatusCode(StatusCodes.Status500InternalServerError) : Results.Ok());
            },
            services: b => b.Services.AddOpenTelemetry().WithMetrics(m =>
            {
                if (meter is not null)
                {
                    m.AddMeter(meter.Name);
                }

                m.AddPrometheusExporter();
            }),
            kestrel: true);

    private static async Task<string> ScrapeAsync(HttpClient client, string path)
    {
        // Text format 0.0.4 from both: what a scraper asking for plain text gets.
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", "text/plain; version=0.0.4");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain; version=0.0.4", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Parses an exposition into families: TYPE, and samples with their labels in name order (the format does not fix label order).</summary>
    private static Dictionary<string, (string Type, SortedSet<string> Samples)> Families(string text)
    {
        var families = new Dictionary<string, (string Type, SortedSet<string> Samples)>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var type = TypeLine().Match(line);
            if (type.Success)
            {
                families[type.Groups["name"].Value] = (type.Groups["type"].Value, new SortedSet<string>(StringComparer.Ordinal));
                continue;
            }

            if (line.StartsWith('#'))
            {
                continue;
            }

            var sample = SampleLine().Match(line);
            Assert.True(sample.Success, $"unparsable sample line: {line}");
            var name = sample.Groups["name"].Value;
            var family = families.Keys.Where(f => name == f || (name.StartsWith(f, StringComparison.Ordinal) && name[f.Length..] is "_bucket" or "_sum" or "_count")).MaxBy(f => f.Length)
                ?? throw new Xunit.Sdk.XunitException($"sample without a TYPE line: {line}");
            var labels = LabelPair().Matches(sample.Groups["labels"].Value)
                .Select(m => m.Value)

                // The official exporter adds the meter's schema URL as a label where the meter has one; only the
                // label set of both is compared for our meters, which have none, and for the failure counter below.
                .Where(l => !l.StartsWith("otel_scope_schema_url=", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal);
            families[family].Samples.Add($"{name}{{{string.Join(',', labels)}}} {sample.Groups["value"].Value}");
        }

        return families;
    }

    private static string PrometheusConfig(Uri app) =>
        $"""
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
        scrape_configs:
          - job_name: official
            metrics_path: {OfficialPath}
            static_configs:
              - targets: ["{app.Authority}"]
          - job_name: errortelemetry
            metrics_path: {OursPath}
            static_configs:
              - targets: ["{app.Authority}"]
        """;

    private static async Task<List<(Dictionary<string, string> Labels, string Value)>> QueryAsync(HttpClient http, Uri prometheus, string promQl)
    {
        try
        {
            var result = await http.GetFromJsonAsync<JsonElement>(new Uri(prometheus, "/api/v1/query?query=" + Uri.EscapeDataString(promQl)));
            return [.. result.GetProperty("data").GetProperty("result").EnumerateArray().Select(s => (
                s.GetProperty("metric").EnumerateObject().ToDictionary(l => l.Name, l => l.Value.GetString() ?? string.Empty, StringComparer.Ordinal),
                s.GetProperty("value")[1].GetString() ?? string.Empty))];
        }
        catch (HttpRequestException)
        {
            // Prometheus is still starting.
            return [];
        }
    }

    private static Dictionary<string, string> WithoutTarget(Dictionary<string, string> labels) =>
        labels.Where(l => l.Key != "job").ToDictionary(StringComparer.Ordinal);

    private static string Describe(List<(Dictionary<string, string> Labels, string Value)> series) =>
        string.Join("; ", series.Select(s => $"{{{string.Join(',', s.Labels.Select(l => $"{l.Key}={l.Value}"))}}} {s.Value}"));

    [GeneratedRegex(@"^# TYPE (?<name>\S+) (?<type>\S+)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"[a-zA-Z_][a-zA-Z0-9_]*=""(\\.|[^""\\])*""")]
    private static partial Regex LabelPair();
}
