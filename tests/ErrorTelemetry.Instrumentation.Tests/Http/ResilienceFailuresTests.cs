using System.Text.Json;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Polly;
using Polly.CircuitBreaker;

namespace ErrorTelemetry.Tests.Http;

/// <summary>
/// Failures raised by a resilience pipeline (Polly, as <c>AddStandardResilienceHandler()</c> uses it) get dependency
/// codes of their own, not their inner cancellation's nor UNCLASSIFIED.
/// </summary>
[Collection(TestWebHost.Collection)]
public class ResilienceFailuresTests
{
    [Theory]
    [InlineData("/timeout", "DEPENDENCY_RESILIENCE_TIMEOUT", 504)]
    [InlineData("/circuit", "DEPENDENCY_CIRCUIT_OPEN", 503)]
    [InlineData("/limited", "DEPENDENCY_RATE_LIMITED", 503)]
    public async Task Classify_ResiliencePipelineRejects_OwnDependencyCode(string path, string code, int status)
    {
        await using var host = await TestWebHost.StartAsync(app =>
        {
            app.MapGet("/timeout", async () =>
            {
                var pipeline = new ResiliencePipelineBuilder().AddTimeout(TimeSpan.FromMilliseconds(20)).Build();
                await pipeline.ExecuteAsync(static async token => await Task.Delay(TimeSpan.FromSeconds(30), token));
                return "late";
            });
            app.MapGet("/circuit", async () =>
            {
                var control = new CircuitBreakerManualControl();
                var pipeline = new ResiliencePipelineBuilder().AddCircuitBreaker(new CircuitBreakerStrategyOptions { ManualControl = control }).Build();
                await control.IsolateAsync();
                await pipeline.ExecuteAsync(static _ => ValueTask.CompletedTask);
                return "open";
            });
            app.MapGet("/limited", async () =>
            {
                var pipeline = new ResiliencePipelineBuilder().AddConcurrencyLimiter(permitLimit: 1, queueLimit: 0).Build();
                var holding = new TaskCompletionSource();
                var first = pipeline.ExecuteAsync(async _ => await holding.Task);
                try
                {
                    await pipeline.ExecuteAsync(static _ => ValueTask.CompletedTask);
                }
                finally
                {
                    holding.SetResult();
                    await first;
                }

                return "admitted";
            });
        });

        using var response = await host.Client.GetAsync(path);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var span = await host.ServerSpanAsync(path);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(code, span.Tag("error.code"));
        Assert.Equal(1, host.FailureCount(code));
    }
}
