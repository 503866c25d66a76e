using ErrorTelemetry.Prometheus.Internal;

namespace ErrorTelemetry.Tests.Prometheus;

public sealed class PrometheusNamingTests
{
    [Theory]
    [InlineData("errortelemetry.failures", "{error}", "Counter", "errortelemetry_failures_total")]
    [InlineData("http.server.request.duration", "s", "Histogram", "http_server_request_duration_seconds")]
    [InlineData("http.client.request.duration", "s", "Histogram", "http_client_request_duration_seconds")]
    [InlineData("db.latency", "ms", "Histogram", "db_latency_milliseconds")]
    [InlineData("payload.size", "By", "Gauge", "payload_size_bytes")]
    [InlineData("cpu.utilization", "1", "Gauge", "cpu_utilization")]
    [InlineData("retries", "1", "Counter", "retries_total")]
    [InlineData("throughput", "By/s", "Gauge", "throughput_bytes_per_second")]
    [InlineData("arrivals", "{request}/s", "Gauge", "arrivals_per_second")]
    [InlineData("requests_total", "{request}", "Counter", "requests_total")]
    [InlineData("cpu.time_seconds_total", "s", "Counter", "cpu_time_seconds_total")]
    [InlineData("duration_seconds", "s", "Histogram", "duration_seconds")]
    [InlineData("temperature", "Cel", "Gauge", "temperature_celsius")]
    [InlineData("packets", "packets", "Counter", "packets_total")]
    [InlineData("weird-name..with  spaces", null, "Gauge", "weird_name_with_spaces")]
    [InlineData("1st.metric", "", "Gauge", "_1st_metric")]
    [InlineData("ns:sub.metric", null, "Gauge", "ns:sub_metric")]
    public void GetMetricName_OpenTelemetryNameAndUnit_FollowsSpecification(string name, string? unit, string type, string expected) =>
        Assert.Equal(expected, PrometheusNaming.GetMetricName(name, unit, Enum.Parse<PrometheusType>(type)));

    [Theory]
    [InlineData("error.code", "error_code")]
    [InlineData("http.response.status_code", "http_response_status_code")]
    [InlineData("__reserved", "_reserved")]
    [InlineData("ns:key", "ns_key")]
    [InlineData("7up", "_7up")]
    [InlineData("ünïcode", "_n_code")]
    public void SanitizeLabelName_InvalidCharacters_BecomeSingleUnderscores(string key, string expected) =>
        Assert.Equal(expected, PrometheusNaming.SanitizeLabelName(key));

    [Fact]
    public void SanitizeLabelName_ValidName_ReturnsSameInstance()
    {
        const string valid = "error_code";

        Assert.Same(valid, PrometheusNaming.SanitizeLabelName(valid));
    }
}
