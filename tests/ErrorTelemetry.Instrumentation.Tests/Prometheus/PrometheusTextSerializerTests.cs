using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.RegularExpressions;
using ErrorTelemetry.Prometheus.Internal;
using OpenTelemetry.Metrics;

namespace ErrorTelemetry.Tests.Prometheus;

/// <summary>
/// Exact text the scrape reader renders from a real MeterProvider: names, units, types, labels, escaping.
/// </summary>
public sealed partial class PrometheusTextSerializerTests
{
    [Fact]
    public async Task Serialize_FailureCounter_RendersContractNameLabelsAndScope()
    {
        using var harness = new ScrapeHarness(meterVersion: "1.2.3");
        var failures = harness.Meter.CreateCounter<long>("errortelemetry.failures", "{error}", "Failures by error code.");
        failures.Add(
            3,
            new("error.code", "DEPENDENCY_DB_TIMEOUT"),
            new("error.category", "dependency"),
            new("error.severity", "critical"),
            new("operation", "GET /orders/{id}"));

        var text = await harness.ScrapeAsync();

        Assert.Equal(
            ScrapeHarness.TargetInfo +
            "# HELP errortelemetry_failures_total Failures by error code.\n" +
            "# TYPE errortelemetry_failures_total counter\n" +
            $"errortelemetry_failures_total{{error_category=\"dependency\",error_code=\"DEPENDENCY_DB_TIMEOUT\",error_severity=\"critical\",operation=\"GET /orders/{{id}}\",otel_scope_name=\"{harness.MeterName}\",otel_scope_version=\"1.2.3\"}} 3\n",
            text);
    }

    [Fact]
    public async Task Serialize_CounterScrapedTwice_IsCumulative()
    {
        using var harness = new ScrapeHarness();
        var counter = harness.Meter.CreateCounter<long>("jobs.done");
        counter.Add(2);
        await harness.ScrapeAsync();
        counter.Add(5);

        var text = await harness.ScrapeAsync();

        Assert.Contains($"jobs_done_total{{otel_scope_name=\"{harness.MeterName}\"}} 7\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serialize_DoubleCounterWithSecondsUnit_AddsUnitBeforeTotal()
    {
        using var harness = new ScrapeHarness();
        harness.Meter.CreateCounter<double>("process.cpu.time", "s", "CPU time.").Add(1.5);

        var text = await harness.ScrapeAsync();

        Assert.Equal(
            ScrapeHarness.TargetInfo +
            "# HELP process_cpu_time_seconds_total CPU time.\n" +
            "# TYPE process_cpu_time_seconds_total counter\n" +
            $"process_cpu_time_seconds_total{{otel_scope_name=\"{harness.MeterName}\"}} 1.5\n",
            text);
    }

    [Fact]
    public async Task Serialize_UpDownCounterAndGauges_RenderAsGauges()
    {
        using var harness = new ScrapeHarness();
        var depth = harness.Meter.CreateUpDownCounter<long>("queue.depth", "{item}", "Items waiting.");
        depth.Add(5);
        depth.Add(-7);
        harness.Meter.CreateObservableGauge("cache.utilization", () => 0.25, "1", "Share of the cache in use.");
        harness.Meter.CreateGauge<long>("memory.limit", "By").Record(1024);

        var text = await harness.ScrapeAsync();

        var scope = $"otel_scope_name=\"{harness.MeterName}\"";
        Assert.Equal(
            ScrapeHarness.TargetInfo +
            "# HELP queue_depth Items waiting.\n" +
            "# TYPE queue_depth gauge\n" +
            $"queue_depth{{{scope}}} -2\n" +
            "# HELP cache_utilization Share of the cache in use.\n" +
            "# TYPE cache_utilization gauge\n" +
            $"cache_utilization{{{scope}}} 0.25\n" +
            "# TYPE memory_limit_bytes gauge\n" +
            $"memory_limit_bytes{{{scope}}} 1024\n",
            text);
    }

    [Fact]
    public async Task Serialize_Histogram_RendersCumulativeBucketsInfSumAndCount()
    {
        using var harness = new ScrapeHarness(configure: b => b.AddView("request.latency", new ExplicitBucketHistogramConfiguration { Boundaries = [10, 100] }));
        var latency = harness.Meter.CreateHistogram<double>("request.latency", "ms", "Request latency.");
        foreach (var value in new[] { 5.0, 50, 500, 50 })
        {
            latency.Record(value, new KeyValuePair<string, object?>("http.route", "/orders"));
        }

        var text = await harness.ScrapeAsync();

        var labels = $"http_route=\"/orders\",otel_scope_name=\"{harness.MeterName}\"";
        Assert.Equal(
            ScrapeHarness.TargetInfo +
            "# HELP request_latency_milliseconds Request latency.\n" +
            "# TYPE request_latency_milliseconds histogram\n" +
            $"request_latency_milliseconds_bucket{{{labels},le=\"10\"}} 1\n" +
            $"request_latency_milliseconds_bucket{{{labels},le=\"100\"}} 3\n" +
            $"request_latency_milliseconds_bucket{{{labels},le=\"+Inf\"}} 4\n" +
            $"request_latency_milliseconds_sum{{{labels}}} 605\n" +
            $"request_latency_milliseconds_count{{{labels}}} 4\n",
            text);
    }

    [Fact]
    public async Task Serialize_LabelValuesWithBackslashQuoteAndNewline_AreEscaped()
    {
        using var harness = new ScrapeHarness();
        harness.Meter.CreateCounter<long>("escapes", description: "Help with \\ and\nnewline.")
            .Add(1, new KeyValuePair<string, object?>("path", "C:\\temp\\\"x\"\nnext"));

        var text = await harness.ScrapeAsync();

        Assert.Contains("# HELP escapes_total Help with \\\\ and\\nnewline.\n", text, StringComparison.Ordinal);
        Assert.Contains("escapes_total{path=\"C:\\\\temp\\\\\\\"x\\\"\\nnext\",", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serialize_AttributeKeysThatSanitizeToOneLabel_JoinValuesInKeyOrder()
    {
        using var harness = new ScrapeHarness();
        harness.Meter.CreateCounter<long>("collisions").Add(
            1,
            new KeyValuePair<string, object?>("http_method", "POST"),
            new KeyValuePair<string, object?>("http.method", "GET"),
            new KeyValuePair<string, object?>("9lives", true),
            new KeyValuePair<string, object?>("ratio", 0.5),
            new KeyValuePair<string, object?>("codes", new[] { "A", "B\"" }));

        var text = await harness.ScrapeAsync();

        Assert.Contains(
            $"collisions_total{{_9lives=\"true\",codes=\"[\\\"A\\\",\\\"B\\\\\\\"\\\"]\",http_method=\"GET;POST\",ratio=\"0.5\",otel_scope_name=\"{harness.MeterName}\"}} 1\n",
            text,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serialize_SameNameFromTwoMeters_OneFamilyWithBothScopes()
    {
        var secondName = "ErrorTelemetry.Tests.Second." + Guid.NewGuid().ToString("N")[..8];
        using var harness = new ScrapeHarness(configure: b => b.AddMeter(secondName));
        using var second = new System.Diagnostics.Metrics.Meter(secondName);
        harness.Meter.CreateCounter<long>("shared", description: "Shared.").Add(1);
        second.CreateCounter<long>("shared", description: "Shared.").Add(2);

        var text = await harness.ScrapeAsync();

        Assert.Single(System.Text.RegularExpressions.Regex.Matches(text, "# TYPE shared_total counter"));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(text, "# HELP shared_total"));
        Assert.Contains(
            "# TYPE shared_total counter\n" +
            $"shared_total{{otel_scope_name=\"{harness.MeterName}\"}} 1\n" +
            $"shared_total{{otel_scope_name=\"{secondName}\"}} 2\n",
            text,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serialize_ConflictingTypesForOneName_DropsTheLaterMetric()
    {
        using var harness = new ScrapeHarness();
        harness.Meter.CreateCounter<long>("clash").Add(1);
        harness.Meter.CreateObservableGauge("clash_total", () => 9L);

        var text = await harness.ScrapeAsync();

        Assert.Contains("# TYPE clash_total counter\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("# TYPE clash_total gauge", text, StringComparison.Ordinal);
        Assert.DoesNotContain("} 9\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serialize_ExponentialHistogram_IsNotExposedButOthersAre()
    {
        using var harness = new ScrapeHarness(configure: b => b.AddView("sizes", new Base2ExponentialBucketHistogramConfiguration()));
        harness.Meter.CreateHistogram<double>("sizes").Record(3);
        harness.Meter.CreateCounter<long>("kept").Add(1);

        var text = await harness.ScrapeAsync();

        Assert.DoesNotContain("sizes", text, StringComparison.Ordinal);
        Assert.Contains("kept_total{", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serialize_NoInstruments_ReturnsOnlyTargetInfo()
    {
        using var harness = new ScrapeHarness();

        var text = await harness.ScrapeAsync();

        Assert.Equal(ScrapeHarness.TargetInfo, text);
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e21, "1E+21")]
    [InlineData(-3.0, "-3")]
    public void FormatDouble_SpecialAndOrdinaryValues_UsePrometheusSpelling(double value, string expected) =>
        Assert.Equal(expected, PrometheusTextSerializer.FormatDouble(value));

    [Fact]
    public async Task Serialize_OpenMetrics_NamesFamiliesWithoutTotalAddsUnitCreatedCanonicalBoundsAndEof()
    {
        using var harness = new ScrapeHarness(meterVersion: "1.2.3");
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        harness.Meter.CreateCounter<double>("process.cpu.time", "s", "CPU \"time\".").Add(1.5);
        harness.Meter.CreateUpDownCounter<long>("queue.depth").Add(-2);
        harness.Meter.CreateHistogram<double>("request.size", "By", null, null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [1e-7, 0.5, 5, 1000] }).Record(2);

        var text = await harness.ScrapeAsync(PrometheusFormat.OpenMetrics);

        var scope = $"otel_scope_name=\"{harness.MeterName}\",otel_scope_version=\"1.2.3\"";
        Assert.Equal(
            ScrapeHarness.OpenMetricsTargetInfo +
            "# TYPE process_cpu_time_seconds counter\n" +
            "# UNIT process_cpu_time_seconds seconds\n" +
            "# HELP process_cpu_time_seconds CPU \\\"time\\\".\n" +
            $"process_cpu_time_seconds_total{{{scope}}} 1.5\n" +
            $"process_cpu_time_seconds_created{{{scope}}} T\n" +
            "# TYPE queue_depth gauge\n" +
            $"queue_depth{{{scope}}} -2\n" +
            "# TYPE request_size_bytes histogram\n" +
            "# UNIT request_size_bytes bytes\n" +
            $"request_size_bytes_bucket{{{scope},le=\"1e-07\"}} 0\n" +
            $"request_size_bytes_bucket{{{scope},le=\"0.5\"}} 0\n" +
            $"request_size_bytes_bucket{{{scope},le=\"5.0\"}} 1\n" +
            $"request_size_bytes_bucket{{{scope},le=\"1000.0\"}} 1\n" +
            $"request_size_bytes_bucket{{{scope},le=\"+Inf\"}} 1\n" +
            $"request_size_bytes_sum{{{scope}}} 2\n" +
            $"request_size_bytes_count{{{scope}}} 1\n" +
            $"request_size_bytes_created{{{scope}}} T\n" +
            "# EOF\n",
            CreatedValue().Replace(text, "${head} T\n"));

        // _created is the points' start time in seconds: the MeterProvider was built just before the measurements.
        foreach (Match created in CreatedValue().Matches(text))
        {
            var seconds = double.Parse(created.Groups["seconds"].Value, CultureInfo.InvariantCulture);
            Assert.InRange(seconds, before - 60, before + 1);
        }
    }

    [Fact]
    public async Task Serialize_OpenMetricsNoInstruments_ReturnsTargetInfoAndEof()
    {
        using var harness = new ScrapeHarness();

        var text = await harness.ScrapeAsync(PrometheusFormat.OpenMetrics);

        Assert.Equal(ScrapeHarness.OpenMetricsTargetInfo + "# EOF\n", text);
    }

    [Fact]
    public async Task Serialize_OpenMetricsHistogramWithNegativeBound_OmitsSumAndCount()
    {
        using var harness = new ScrapeHarness();
        harness.Meter.CreateHistogram<double>("temperature.delta", null, null, null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [-1, 1] }).Record(0);

        var text = await harness.ScrapeAsync(PrometheusFormat.OpenMetrics);

        Assert.Contains("temperature_delta_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("le=\"-1.0\"} 0\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("temperature_delta_sum", text, StringComparison.Ordinal);
        Assert.DoesNotContain("temperature_delta_count", text, StringComparison.Ordinal);
        Assert.Contains("temperature_delta_created{", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0, "0.0")]
    [InlineData(5.0, "5.0")]
    [InlineData(0.25, "0.25")]
    [InlineData(10000.0, "10000.0")]
    [InlineData(1e-7, "1e-07")]
    [InlineData(1e21, "1e+21")]
    [InlineData(-1.0, "-1.0")]
    public void FormatCanonicalBound_OpenMetricsBucketBounds_UseOfficialSpelling(double value, string expected) =>
        Assert.Equal(expected, PrometheusTextSerializer.FormatCanonicalBound(value));

    [GeneratedRegex(@"(?<head>_created\{[^}]*\}) (?<seconds>[0-9.]+)\n")]
    private static partial Regex CreatedValue();
}
