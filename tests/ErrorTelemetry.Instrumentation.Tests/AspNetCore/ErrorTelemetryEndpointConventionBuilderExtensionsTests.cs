using ErrorTelemetry.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ErrorTelemetry.Tests.AspNetCore;

[Collection(TestWebHost.Collection)]
public class ErrorTelemetryEndpointConventionBuilderExtensionsTests
{
    [Fact]
    public async Task SuppressErrorTelemetry_EndpointThrowsOrAnswers503_AnsweredButNotEnrichedNorCounted()
    {
        await using var host = await TestWebHost.StartAsync(app =>
        {
            app.MapGet("/internal/crash", string () => throw new InvalidOperationException("broken")).SuppressErrorTelemetry();
            app.MapGet("/internal/unavailable", () => Results.StatusCode(503)).SuppressErrorTelemetry();
            app.MapGet("/crash", string () => throw new InvalidOperationException("broken"));
        });

        using var crashed = await host.Client.GetAsync("/internal/crash");
        using var unavailable = await host.Client.GetAsync("/internal/unavailable");
        using var control = await host.Client.GetAsync("/crash");
        var crashedSpan = await host.ServerSpanAsync("/internal/crash");
        var unavailableSpan = await host.ServerSpanAsync("/internal/unavailable");
        var controlSpan = await host.ServerSpanAsync("/crash");

        // Answered: the exception still becomes a safe 500, and the endpoint's own 503 reaches the caller untouched.
        Assert.Equal(500, (int)crashed.StatusCode);
        Assert.DoesNotContain("broken", await crashed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(503, (int)unavailable.StatusCode);
        Assert.NotEqual("application/problem+json", unavailable.Content.Headers.ContentType?.MediaType);

        // Not enriched, not counted.
        Assert.Null(crashedSpan.Tag("error.code"));
        Assert.Null(unavailableSpan.Tag("error.code"));
        Assert.DoesNotContain(host.FailurePoints(), p => p.Tags[ErrorTelemetryAttributes.Operation] is string operation && operation.StartsWith("GET /internal", StringComparison.Ordinal));

        // The same failure on an ordinary endpoint is enriched and counted once.
        Assert.Equal("UNCLASSIFIED", controlSpan.Tag("error.code"));
        Assert.Equal(1, host.FailureCount("UNCLASSIFIED", "GET /crash"));
    }
}
