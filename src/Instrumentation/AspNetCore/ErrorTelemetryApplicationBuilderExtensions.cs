using ErrorTelemetry.AspNetCore.Internal;
using ErrorTelemetry.Health.Internal;
using ErrorTelemetry.Triage.Internal;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// The one middleware call of ErrorTelemetry: <c>app.UseErrorTelemetry();</c> right after <c>builder.Build()</c>.
/// </summary>
public static class ErrorTelemetryApplicationBuilderExtensions
{
    /// <summary>
    /// Adds correlation, exception capture, RFC 9457 problem-details responses and server-span completion to the
    /// request pipeline, and maps the health and triage endpoints. Call it first, before routing and your endpoints.
    /// Exception capture, problem details and span completion wrap the whole pipeline wherever this is called, so
    /// they also cover the 401 and 403 answers of the authorization middleware <c>WebApplication</c> adds implicitly.
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <returns>The application builder, for chaining.</returns>
    /// <remarks>Requires <c>AddErrorTelemetry()</c> on the host builder. Safe to call once; a second call is ignored.</remarks>
    public static IApplicationBuilder UseErrorTelemetry(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        const string marker = "ErrorTelemetry.PipelineAdded";
        if (app.Properties.ContainsKey(marker))
        {
            return app;
        }

        app.Properties[marker] = true;
        AspNetCorePipeline.Use(app);
        if (app is IEndpointRouteBuilder endpoints)
        {
            HealthEndpoints.Map(endpoints);
            TriageEndpoints.Map(endpoints);
        }

        return app;
    }
}
