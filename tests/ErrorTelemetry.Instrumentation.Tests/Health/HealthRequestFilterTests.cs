using System.Diagnostics;
using System.Net;
using ErrorTelemetry.Tests.Triage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Tests.Health;

[Collection(SerialWebHosts.Name)]
public class HealthRequestFilterTests
{
    private const string FakePassword = "s3cret-Pa55word";

    [Fact]
    public async Task Probe_Ready503_NoSpanNoCountNoErrorLogExported()
    {
        var seenByLaterMiddleware = new List<object?>();
        await using var app = await TestWebApp.StartAsync(
            new() { ["ErrorTelemetry:Triage:AuthorizationPolicy"] = TestWebApp.Policy },
            services: b => b.Services.AddHealthChecks().AddCheck<ThrowingCheck>("orders-db"),
            endpoints: a =>
            {
                a.Use((context, next) =>
                {
                    if (context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase))
                    {
                        lock (seenByLaterMiddleware)
                        {
                            seenByLaterMiddleware.Add(context.Items.TryGetValue("ErrorTelemetry.SkipProblemDetails", out var v) ? v : null);
                        }
                    }

                    return next(context);
                });
                a.MapGet("/boom", (HttpContext c) =>
                {
                    var activity = c.Features.Get<IHttpActivityFeature>()?.Activity;
                    activity!.DisplayName = "GET /boom";
                    activity.RecordError(new TimeoutException("late"));
                    return Results.StatusCode(504);
                });
            });

        using (var ready = await app.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }

        using (var readyWithSlash = await app.GetAsync("/HEALTH/Ready/"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, readyWithSlash.StatusCode);
        }

        using (var live = await app.GetAsync("/health/live"))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        // A real failure right after proves the exporters and the counter work in this app.
        using (var boom = await app.GetAsync("/boom"))
        {
            Assert.Equal(HttpStatusCode.GatewayTimeout, boom.StatusCode);
        }

        app.Flush();

        Assert.Equal([true, true, true], seenByLaterMiddleware);
        var spans = app.Spans.Items;
        var server = Assert.Single(spans, s => s.Kind == ActivityKind.Server);
        Assert.Equal("OPERATION_TIMEOUT", server.Tag("error.code"));
        Assert.DoesNotContain(spans, s => s.Dump().Contains("health", StringComparison.OrdinalIgnoreCase));

        var failures = app.FailurePoints();
        Assert.Contains(failures, p => p.Value == 1 && Equals(p.Tags["operation"], "GET /boom"));
        Assert.DoesNotContain(failures, p => p.Tags["operation"] is string op && op.Contains("health", StringComparison.OrdinalIgnoreCase));

        // The health service logged the failing check (the application's own log providers still get it) ...
        Assert.Contains(app.LogLines.Lines, l => l.Category.Contains("HealthCheck", StringComparison.Ordinal) && l.Level == LogLevel.Error);

        // ... but nothing of the probe reached the OpenTelemetry log exporter, and nothing was counted or buffered.
        Assert.DoesNotContain(app.Logs.Items, l => (l.Category ?? string.Empty).Contains("HealthCheck", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.Items, l => l.Dump().Contains(FakePassword, StringComparison.Ordinal));
        var buffered = app.Service<ErrorTelemetry.Triage.Internal.FailureBuffer>().Snapshot();
        Assert.All(buffered.Codes, c => Assert.All(c.Routes, r => Assert.DoesNotContain("health", r.Key, StringComparison.OrdinalIgnoreCase)));
        Assert.Single(buffered.Codes);
    }

    [Fact]
    public async Task Probe_ChildSpansAndTraceparent_NothingExported()
    {
        var source = new ActivitySource("HealthProbe.Tests." + Guid.NewGuid().ToString("N"));
        await using var app = await TestWebApp.StartAsync(
            services: b =>
            {
                b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddSource(source.Name));
                b.Services.AddHealthChecks().AddCheck("dependency", () =>
                {
                    using var call = source.StartActivity("dependency call");
                    call?.SetTag("db.system", "postgresql");
                    return HealthCheckResult.Unhealthy("down");
                });
            },
            endpoints: a => a.MapGet("/ok", (HttpContext c) =>
            {
                using var work = source.StartActivity("work");
                return Results.Ok();
            }));

        using var probe = app.Request("/health/ready", traceParent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await app.SendAsync(probe)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.GetAsync("/ok")).StatusCode);
        app.Flush();

        var spans = app.Spans.Items;
        Assert.DoesNotContain(spans, s => s.Name == "dependency call");
        Assert.DoesNotContain(spans, s => s.TraceId == "0af7651916cd43dd8448eb211c80319c");
        Assert.Contains(spans, s => s.Name == "work");
        Assert.Contains(spans, s => s.Kind == ActivityKind.Server);
    }

    [Fact]
    public async Task Probe_BehindPathBase_StillUnrecordedAndUncounted()
    {
        await using var app = await TestWebApp.StartAsync(
            services: b => b.Services.AddHealthChecks().AddCheck<ThrowingCheck>("orders-db"),
            endpoints: a =>
            {
                a.UsePathBase("/api");
                a.UseRouting();
            });

        using var probe = app.Request("/api/health/ready", traceParent: "00-1af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        using var response = await app.SendAsync(probe);
        app.Flush();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(app.Spans.Items);
        Assert.DoesNotContain(app.Logs.Items, l => (l.Category ?? string.Empty).Contains("HealthCheck", StringComparison.Ordinal));
        Assert.Contains(app.LogLines.Lines, l => l.Category.Contains("HealthCheck", StringComparison.Ordinal) && l.Level == LogLevel.Error);
    }

    private sealed class ThrowingCheck : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException($"Server=db;Password={FakePassword}");
    }
}
