using System.Net;
using System.Text.Json;
using ErrorTelemetry.Tests.Triage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Tests.Health;

[Collection(SerialWebHosts.Name)]
public class HealthEndpointsTests
{
    private const string FakePassword = "hunter2-Pa55w0rd";

    [Fact]
    public async Task Map_NoChecksRegistered_LiveAndReadyHealthy()
    {
        await using var app = await TestWebApp.StartAsync();

        foreach (var path in new[] { "/health/live", "/health/ready" })
        {
            using var response = await app.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
            Assert.True(body.RootElement.GetProperty("totalDurationMs").GetDouble() >= 0);
            Assert.Empty(body.RootElement.GetProperty("checks").EnumerateArray());
        }
    }

    [Fact]
    public async Task Map_FailingDependencyCheck_Ready503WithoutSecretAndLiveStill200()
    {
        await using var app = await TestWebApp.StartAsync(services: b => b.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy("Process responds."), tags: [ErrorTelemetryHealthOptions.LiveTag])
            .AddCheck("cache", () => HealthCheckResult.Degraded("Cache is slow."), tags: ["cache"])
            .AddCheck<ThrowingCheck>("orders-db", tags: ["db"]));

        using var ready = await app.GetAsync("/health/ready");
        var readyText = await ready.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("application/json", ready.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(FakePassword, readyText, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", readyText, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("InvalidOperationException", readyText, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(readyText);
        Assert.Equal("Unhealthy", body.RootElement.GetProperty("status").GetString());
        var checks = body.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal(["cache", "orders-db", "self"], checks.Keys.Order());
        Assert.Equal("Unhealthy", checks["orders-db"].GetProperty("status").GetString());
        Assert.Equal("The check failed with an exception; see the service's own logs for details.", checks["orders-db"].GetProperty("description").GetString());
        Assert.Equal(["db"], checks["orders-db"].GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.True(checks["orders-db"].GetProperty("durationMs").GetDouble() >= 0);
        Assert.Equal("Degraded", checks["cache"].GetProperty("status").GetString());
        Assert.Equal("Cache is slow.", checks["cache"].GetProperty("description").GetString());
        Assert.Equal("Process responds.", checks["self"].GetProperty("description").GetString());

        using var live = await app.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var liveBody = JsonDocument.Parse(await live.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", liveBody.RootElement.GetProperty("status").GetString());
        Assert.Equal("self", Assert.Single(liveBody.RootElement.GetProperty("checks").EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Map_OnlyDegradedCheck_Ready200Degraded()
    {
        await using var app = await TestWebApp.StartAsync(services: b => b.Services.AddHealthChecks()
            .AddCheck("queue", () => HealthCheckResult.Degraded("Backlog growing.")));

        using var ready = await app.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.Equal("Degraded", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("no-store, no-cache", ready.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Map_ConfiguredPaths_ServedThereAndNotAtDefaults()
    {
        await using var app = await TestWebApp.StartAsync(new()
        {
            ["ErrorTelemetry:Health:LivePath"] = "/probe/alive",
            ["ErrorTelemetry:Health:ReadyPath"] = "/probe/ready",
        });

        Assert.Equal(HttpStatusCode.OK, (await app.GetAsync("/probe/alive")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.GetAsync("/probe/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Map_Disabled_NotMapped()
    {
        await using var app = await TestWebApp.StartAsync(new() { ["ErrorTelemetry:Health:Enabled"] = "false" });

        Assert.Equal(HttpStatusCode.NotFound, (await app.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Map_FallbackPolicyRequiresAuthentication_ProbesStillAnonymous()
    {
        await using var app = await TestWebApp.StartAsync(services: b => b.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build()));

        Assert.Equal(HttpStatusCode.OK, (await app.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task StartAsync_InvalidPath_FailsNamingKeyAndFix()
    {
        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => TestWebApp.StartAsync(new()
        {
            ["ErrorTelemetry:Health:ReadyPath"] = "health/ready",
        }));

        Assert.Contains("ErrorTelemetry:Health:ReadyPath is 'health/ready' and must start with '/'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'/health/ready'", error.Message, StringComparison.Ordinal);
    }

    private sealed class ThrowingCheck : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException($"Cannot open Server=db.internal;User Id=orders;Password={FakePassword}");
    }
}
