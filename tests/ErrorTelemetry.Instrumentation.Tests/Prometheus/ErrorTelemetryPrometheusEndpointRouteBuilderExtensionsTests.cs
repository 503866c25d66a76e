using System.Net;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;

namespace ErrorTelemetry.Tests.Prometheus;

public sealed class ErrorTelemetryPrometheusEndpointRouteBuilderExtensionsTests
{
    private const string ExpectedContentType = "text/plain; version=0.0.4; charset=utf-8";
    private const string OpenMetricsContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    // Any run of label pairs; quoted values may contain braces (routes such as /orders/{id}).
    private const string AnyLabels = "(?:[^\"}]|\"(?:[^\"\\\\]|\\\\.)*\")*";

    [Fact]
    public async Task MapErrorTelemetryPrometheusEndpoint_Get_ServesTextFormatWithContractContentType()
    {
        await using var app = await ScrapeTestApp.StartAsync(ScrapeTestApp.MapOrders);
        app.Meter.CreateCounter<long>("errortelemetry.failures", "{error}", "Failures by error code.")
            .Add(2, new KeyValuePair<string, object?>("error.code", "UNCLASSIFIED"));

        using var response = await app.Client.GetAsync(new Uri("/metrics", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ExpectedContentType, response.Content.Headers.ContentType?.ToString());
        Assert.StartsWith("# HELP target_info Target metadata\n# TYPE target_info gauge\ntarget_info{service_instance_id=\"i-1\",service_name=\"storefront\"} 1\n", body, StringComparison.Ordinal);
        Assert.Contains($"errortelemetry_failures_total{{error_code=\"UNCLASSIFIED\",otel_scope_name=\"{app.Meter.Name}\"}} 2\n", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", OpenMetricsContentType)]
    [InlineData("application/openmetrics-text", OpenMetricsContentType)]
    [InlineData("text/plain;q=0.5, application/openmetrics-text; version=1.0.0", OpenMetricsContentType)]
    [InlineData("text/plain;version=0.0.4;q=0.9,application/openmetrics-text;version=1.0.0;q=0.5", ExpectedContentType)]
    [InlineData("application/openmetrics-text;version=0.0.1", ExpectedContentType)]
    [InlineData("*/*", ExpectedContentType)]
    [InlineData("text/plain, application/openmetrics-text", ExpectedContentType)]
    [InlineData("not a media type;;;", ExpectedContentType)]
    [InlineData(null, ExpectedContentType)]
    public async Task MapErrorTelemetryPrometheusEndpoint_AcceptHeader_ChoosesFormat(string? accept, string contentType)
    {
        await using var app = await ScrapeTestApp.StartAsync(ScrapeTestApp.MapOrders);
        app.Meter.CreateCounter<long>("negotiated", "s").Add(1);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await app.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.ToString());
        Assert.Contains("Accept", response.Headers.Vary);
        if (contentType == OpenMetricsContentType)
        {
            Assert.Contains("# TYPE negotiated_seconds counter\n# UNIT negotiated_seconds seconds\n", body, StringComparison.Ordinal);
            Assert.EndsWith("\n# EOF\n", body, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("# TYPE negotiated_seconds_total counter\n", body, StringComparison.Ordinal);
            Assert.DoesNotContain("# EOF", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task MapErrorTelemetryPrometheusEndpoint_Head_ReturnsHeadersWithoutBody()
    {
        await using var app = await ScrapeTestApp.StartAsync(ScrapeTestApp.MapOrders);
        app.Meter.CreateCounter<long>("head.test").Add(1);

        using var request = new HttpRequestMessage(HttpMethod.Head, "/metrics");
        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ExpectedContentType, response.Content.Headers.ContentType?.ToString());
        Assert.True(response.Content.Headers.ContentLength > 0);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task MapErrorTelemetryPrometheusEndpoint_CustomPath_ServesThereOnly()
    {
        await using var app = await ScrapeTestApp.StartAsync(a => a.MapErrorTelemetryPrometheusEndpoint("/internal/metrics"));

        using var custom = await app.Client.GetAsync(new Uri("/internal/metrics", UriKind.Relative));
        using var standard = await app.Client.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, custom.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, standard.StatusCode);
    }

    [Fact]
    public async Task MapErrorTelemetryPrometheusEndpoint_MeterProviderNotBuilt_Returns503()
    {
        await using var app = await ScrapeTestApp.StartAsync(ScrapeTestApp.MapOrders, buildProvider: false);

        using var response = await app.Client.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task MapErrorTelemetryPrometheusEndpoint_MeterProviderRegisteredLazilyInContainer_IsBuiltAndServes()
    {
        await using var app = await ScrapeTestApp.StartAsync(ScrapeTestApp.MapOrders, providerInContainer: true);
        app.Meter.CreateCounter<long>("lazy.provider").Add(4);

        using var response = await app.Client.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("lazy_provider_total{", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapErrorTelemetryPrometheusEndpoint_NoReaderRegistered_ThrowsAtStartup()
    {
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(
            () => ScrapeTestApp.StartAsync(a => a.MapErrorTelemetryPrometheusEndpoint(), registerReader: false));

        Assert.Contains("AddErrorTelemetry", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MapErrorTelemetryPrometheusEndpoint_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => ErrorTelemetryPrometheusEndpointRouteBuilderExtensions.MapErrorTelemetryPrometheusEndpoint(null!));
    }

    [Fact]
    public async Task MapErrorTelemetryPrometheusEndpoint_ConcurrentScrapes_AllSucceedWithSameCounterValue()
    {
        await using var app = await ScrapeTestApp.StartAsync(ScrapeTestApp.MapOrders);
        app.Meter.CreateCounter<long>("concurrent").Add(42);

        var bodies = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => app.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative))));

        Assert.All(bodies, b => Assert.Contains($"concurrent_total{{otel_scope_name=\"{app.Meter.Name}\"}} 42\n", b, StringComparison.Ordinal));
    }

    [Fact]
    public async Task MapErrorTelemetryPrometheusEndpoint_ServerRequests_AppearInDurationHistogramButScrapesDoNot()
    {
        await using var app = await ScrapeTestApp.StartAsync(ScrapeTestApp.MapOrders);
        (await app.Client.GetAsync(new Uri("/orders/7", UriKind.Relative))).Dispose();
        (await app.Client.GetAsync(new Uri("/orders/0", UriKind.Relative))).Dispose();

        var body = await ScrapeUntilAsync(app, b => b.Contains("http_response_status_code=\"500\"", StringComparison.Ordinal));

        Assert.Contains("# TYPE http_server_request_duration_seconds histogram\n", body, StringComparison.Ordinal);
        Assert.Matches("http_server_request_duration_seconds_bucket\\{" + AnyLabels + "http_route=\"/orders/\\{id\\}\"" + AnyLabels + "le=\"\\+Inf\"\\} 1\n", body);
        Assert.Matches("http_server_request_duration_seconds_count\\{" + AnyLabels + "http_response_status_code=\"500\"" + AnyLabels + "\\} 1\n", body);
        Assert.DoesNotContain("http_route=\"/metrics\"", body, StringComparison.Ordinal);
    }

    [ToolFact("promtool")]
    public async Task MapErrorTelemetryPrometheusEndpoint_RealOutput_PassesPromtoolCheckMetrics()
    {
        await using var app = await ScrapeTestApp.StartAsync(ScrapeTestApp.MapOrders);
        var failures = app.Meter.CreateCounter<long>("errortelemetry.failures", "{error}", "Failures by error code.");
        failures.Add(1, new("error.code", "DEPENDENCY_DB_TIMEOUT"), new("error.category", "dependency"), new("error.severity", "critical"), new("operation", "GET /orders/{id}"));
        failures.Add(1, new("error.code", "VALIDATION_FAILED"), new("error.category", "validation"), new("error.severity", "warning"), new("operation", "POST \"quoted\"\\path\nline"));
        app.Meter.CreateUpDownCounter<long>("errortelemetry.triage.open", "{error}", "Open triage entries.").Add(3);
        app.Meter.CreateObservableGauge("errortelemetry.buffer.utilization", () => 0.5, "1", "Share of the triage buffer in use.");
        (await app.Client.GetAsync(new Uri("/orders/7", UriKind.Relative))).Dispose();
        (await app.Client.GetAsync(new Uri("/orders/0", UriKind.Relative))).Dispose();
        var body = await ScrapeUntilAsync(app, b => b.Contains("http_server_request_duration_seconds_bucket", StringComparison.Ordinal));

        var result = await ExternalTool.RunAsync("promtool", ["check", "metrics"], TimeSpan.FromSeconds(30), standardInput: body);

        Assert.True(result.ExitCode == 0 && result.StandardOutput.Trim().Length == 0 && result.StandardError.Trim().Length == 0, result.Describe("promtool check metrics") + "\n--- input ---\n" + body);
        Assert.Contains("errortelemetry_failures_total{", body, StringComparison.Ordinal);
    }

    private static async Task<string> ScrapeUntilAsync(ScrapeTestApp app, Func<string, bool> condition)
    {
        // ASP.NET Core records the request duration after the response is sent, so the client can be a moment early.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var body = await app.Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            if (condition(body) || DateTime.UtcNow > deadline)
            {
                return body;
            }

            await Task.Delay(50);
        }
    }
}
