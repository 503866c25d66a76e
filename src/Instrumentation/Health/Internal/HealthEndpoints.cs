using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Health.Internal;

/// <summary>Maps the liveness and readiness endpoints, called by <c>app.UseErrorTelemetry()</c>.</summary>
internal static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetService<IOptions<ErrorTelemetryHealthOptions>>()?.Value;
        if (options is null || !options.Enabled || endpoints.ServiceProvider.GetService<HealthCheckService>() is null)
        {
            return;
        }

        Map(endpoints, options.LivePath, static r => r.Tags.Contains(ErrorTelemetryHealthOptions.LiveTag));
        Map(endpoints, options.ReadyPath, predicate: null);
    }

    private static void Map(IEndpointRouteBuilder endpoints, string path, Func<HealthCheckRegistration, bool>? predicate)
    {
        // What MapHealthChecks does, with the probe marking in front: the startup filter normally marks the probe
        // first, but it matches the raw path and cannot see a probe behind UsePathBase.
        var pipeline = endpoints.CreateApplicationBuilder()
            .Use(static next => context => HealthRequestFilter.Probe(context, next))
            .UseMiddleware<HealthCheckMiddleware>(Options.Create(CheckOptions(predicate)))
            .Build();
        endpoints.Map(path, pipeline)
            // Orchestrators probe without credentials; the body carries only check names, statuses and safe text.
            .AllowAnonymous()
            // Probes would dominate the request-duration metric and its 5xx rate.
            .DisableHttpMetrics()
            .ExcludeFromDescription()
            .WithDisplayName("ErrorTelemetry health")
            // A 503 from readiness is an answer, not a failure of the service: no problem details, no code.
            .SuppressErrorTelemetry();
    }

    private static HealthCheckOptions CheckOptions(Func<HealthCheckRegistration, bool>? predicate) => new()
    {
        Predicate = predicate,
        ResponseWriter = HealthResponseWriter.Write,
        AllowCachingResponses = false,
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status200OK,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
    };
}
