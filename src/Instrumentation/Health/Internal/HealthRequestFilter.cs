using ErrorTelemetry.Failures.Internal;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using OpenTelemetry;

namespace ErrorTelemetry.Health.Internal;

/// <summary>
/// Keeps health probes out of telemetry. Probes arrive every few seconds from every orchestrator replica; traced,
/// they drown real requests, and a failing readiness check would be counted as a failure of the service each time.
/// Runs as the outermost middleware (a startup filter), so nothing the application or ErrorTelemetry adds to the
/// pipeline sees a probe as a normal request.
/// </summary>
internal sealed class HealthRequestFilter : IStartupFilter
{
    /// <summary>
    /// Set on <see cref="HttpContext.Items"/> (value <see langword="true"/>) for requests whose response must be left
    /// exactly as the endpoint wrote it: the problem-details middleware must not rewrite a 503 readiness answer.
    /// </summary>
    public const string SkipProblemDetailsKey = "ErrorTelemetry.SkipProblemDetails";

    private readonly ErrorTelemetryHealthOptions _options;

    public HealthRequestFilter(IOptions<ErrorTelemetryHealthOptions> options)
    {
        _options = options.Value;
    }

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next)
    {
        if (!_options.Enabled)
        {
            return next;
        }

        var paths = new HealthPaths(_options);
        return app =>
        {
            app.Use(innerNext => context => paths.Matches(context.Request.Path) ? Probe(context, innerNext) : innerNext(context));
            next(app);
        };
    }

    /// <summary>
    /// Runs the rest of the pipeline as a probe: unrecorded, uninstrumented, and left alone by problem details.
    /// Idempotent, so the health endpoint can apply it again (it must, when a path base hides the probe from the filter).
    /// </summary>
    public static async Task Probe(HttpContext context, RequestDelegate next)
    {
        if (context.Items.ContainsKey(SkipProblemDetailsKey))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        context.Items[SkipProblemDetailsKey] = true;

        // The server span already exists (the host starts it before any middleware): unrecord it, so the SDK skips
        // every processor's OnEnd and every exporter for it, and children sampled by their parent are not recorded.
        var activity = context.Features.Get<IHttpActivityFeature>()?.Activity ?? Activity.Current;
        if (activity is not null)
        {
            activity.IsAllDataRequested = false;
            FailureState.Ignore(activity);
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }

        // What the checks themselves do (database calls, the health service's "check failed" error logs) is probe
        // noise too: suppressed, the SDK neither samples new spans nor emits log records, so nothing is counted.
        using (SuppressInstrumentationScope.Begin())
        {
            await next(context).ConfigureAwait(false);
        }
    }
}
