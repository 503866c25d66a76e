using System.Diagnostics;
using ErrorTelemetry.AspNetCore.Internal;
using ErrorTelemetry.Diagnostics;
using ErrorTelemetry.Hosting.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Instrumentation.AspNetCore;

namespace ErrorTelemetry.Correlation.Internal;

/// <summary>
/// Decides a request's correlation id as the official instrumentation starts the server span, before the host writes
/// "Request starting" (which happens before any middleware runs, so a middleware would be too late for that record).
/// Composed into <see cref="AspNetCoreTraceInstrumentationOptions.EnrichWithHttpRequest"/>, which hands over the
/// request itself: an <c>IHttpContextAccessor</c> would cost every request an async-local write and clear.
/// </summary>
/// <remarks>
/// The instrumentation enriches only spans its filter keeps; for the ones the application's filter drops, the id is
/// decided in the filter instead, so their "Request starting" record carries it too.
/// </remarks>
internal sealed class RequestCorrelationStart : IPostConfigureOptions<AspNetCoreTraceInstrumentationOptions>
{
    private readonly RequestCorrelation _correlation;
    private readonly AspNetCorePipelineState? _pipeline;
    private readonly Action<Activity, HttpRequest> _enrich;

    public RequestCorrelationStart(RequestCorrelation correlation, IServiceProvider services)
    {
        _correlation = correlation;
        _pipeline = services.GetService<AspNetCorePipelineState>();
        _enrich = OnRequest;
    }

    public void PostConfigure(string? name, AspNetCoreTraceInstrumentationOptions options)
    {
        options.EnrichWithHttpRequest = Enrichment.Compose(_enrich, options.EnrichWithHttpRequest);
        if (options.Filter is { } filter)
        {
            options.Filter = context => Filter(filter, context);
        }
    }

    private void OnRequest(Activity activity, HttpRequest request) => Decide(request.HttpContext, activity);

    private bool Filter(Func<HttpContext, bool> filter, HttpContext context)
    {
        bool keep;
        try
        {
            keep = filter(context);
        }
        catch
        {
            // The instrumentation drops the span when the filter throws.
            Decide(context, Activity.Current);
            throw;
        }

        if (!keep)
        {
            Decide(context, Activity.Current);
        }

        return keep;
    }

    private void Decide(HttpContext context, Activity? activity)
    {
        if (_pipeline is not { Enabled: true } || activity is not { Kind: ActivityKind.Server })
        {
            return;
        }

        try
        {
            _correlation.For(context, activity);
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(RequestCorrelationStart), ex);
        }
    }
}
