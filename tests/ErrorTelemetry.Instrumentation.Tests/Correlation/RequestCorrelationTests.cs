using System.Diagnostics;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Instrumentation.AspNetCore;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Tests.Correlation;

[Collection(TestWebHost.Collection)]
public class RequestCorrelationTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("incident-4711")]
    public async Task For_HostWritesRequestStarting_EveryRecordOfTheRequestCarriesTheEchoedId(string? incoming)
    {
        await using var host = await TestWebHost.StartAsync(app => app.MapGet("/ping", () => "pong"));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/ping");
        if (incoming is not null)
        {
            request.Headers.Add("X-Correlation-ID", incoming);
        }

        using var response = await host.Client.SendAsync(request);
        var span = await host.ServerSpanAsync("/ping");

        var echoed = Assert.Single(response.Headers.GetValues("X-Correlation-ID"));
        Assert.Equal(incoming ?? echoed, echoed);
        Assert.Equal(echoed, span.Tag("correlation.id"));
        var records = host.Logs.Items.Where(l => l.TraceId == span.TraceId).ToList();
        Assert.Contains(records, l => l.Category == "Microsoft.AspNetCore.Hosting.Diagnostics" && l.Body?.StartsWith("Request starting", StringComparison.Ordinal) == true);
        Assert.All(records, l => Assert.Equal(echoed, l.Attribute("correlation.id")));
    }

    [Fact]
    public async Task For_RequestNotSampled_IdStillDecidedByTheMiddleware()
    {
        await using var host = await TestWebHost.StartAsync(
            app => app.MapGet("/ping", (HttpContext context) => context.Items["ErrorTelemetry.CorrelationId"] as string),
            services: b => b.Services.ConfigureOpenTelemetryTracerProvider(t => t.SetSampler(new AlwaysOffSampler())));

        using var response = await host.Client.GetAsync("/ping");

        var echoed = Assert.Single(response.Headers.GetValues("X-Correlation-ID"));
        Assert.Equal(32, echoed.Length);
        Assert.Equal(echoed, await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(host.Spans.Items, s => s.Kind == ActivityKind.Server);
    }

    [Fact]
    public async Task For_ApplicationFilterDropsTheSpan_RequestStartingStillCarriesTheEchoedId()
    {
        await using var host = await TestWebHost.StartAsync(
            app => app.MapGet("/ping", () => "pong"),
            services: b => b.Services.Configure<AspNetCoreTraceInstrumentationOptions>(o => o.Filter = c => c.Request.Path != "/ping"));

        using var response = await host.Client.GetAsync("/ping");

        var echoed = Assert.Single(response.Headers.GetValues("X-Correlation-ID"));
        Assert.Equal(32, echoed.Length);
        Assert.DoesNotContain(host.Spans.Items, s => s.Kind == ActivityKind.Server);
        var starting = Assert.Single(host.Logs.Items, l => l.Category == "Microsoft.AspNetCore.Hosting.Diagnostics"
            && l.Body?.StartsWith("Request starting", StringComparison.Ordinal) == true);
        Assert.Equal(echoed, starting.Attribute("correlation.id"));
    }
}
