using System.Diagnostics;
using ErrorTelemetry.AspNetCore.Internal;
using ErrorTelemetry.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;

namespace ErrorTelemetry.Correlation.Internal;

/// <summary>
/// Decides a request's correlation id when ASP.NET Core's server span starts, ahead of the core's
/// <see cref="CorrelationSpanProcessor"/>: the host writes "Request starting" before any middleware runs, so a
/// middleware would be too late for that record.
/// </summary>
internal sealed class RequestCorrelationProcessor : BaseProcessor<Activity>
{
    private const string AspNetCoreSource = "Microsoft.AspNetCore";

    private readonly IHttpContextAccessor _contexts;
    private readonly RequestCorrelation _correlation;
    private readonly AspNetCorePipelineState? _pipeline;

    private RequestCorrelationProcessor(IHttpContextAccessor contexts, RequestCorrelation correlation, AspNetCorePipelineState? pipeline)
    {
        _contexts = contexts;
        _correlation = correlation;
        _pipeline = pipeline;
    }

    /// <summary>The processor, or null in a host without ASP.NET Core correlation.</summary>
    public static RequestCorrelationProcessor? Create(IServiceProvider services) =>
        services.GetService<RequestCorrelation>() is { } correlation && services.GetService<IHttpContextAccessor>() is { } contexts
            ? new RequestCorrelationProcessor(contexts, correlation, services.GetService<AspNetCorePipelineState>())
            : null;

    public override void OnStart(Activity data)
    {
        if (data.Kind != ActivityKind.Server || _pipeline is not { Enabled: true } || data.Source.Name != AspNetCoreSource)
        {
            return;
        }

        try
        {
            if (_contexts.HttpContext is { } context)
            {
                _correlation.For(context, data);
            }
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(RequestCorrelationProcessor), ex);
        }
    }
}
