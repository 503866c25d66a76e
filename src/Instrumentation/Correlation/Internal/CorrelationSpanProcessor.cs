using System.Diagnostics;
using ErrorTelemetry.AspNetCore.Internal;
using ErrorTelemetry.Diagnostics;
using ErrorTelemetry.Messaging.Internal;
using Microsoft.AspNetCore.Http;
using OpenTelemetry;

namespace ErrorTelemetry.Correlation.Internal;

/// <summary>
/// Puts the correlation id (baggage <c>correlation.id</c>) on every span as the <c>correlation.id</c> attribute, so
/// that one id finds every span of a request in any backend, not only the ones that understand baggage.
/// </summary>
/// <remarks>
/// Tags at start (exporters registered ahead of this processor still see the attribute) and again at end for spans
/// whose baggage arrived after they started. Allocates nothing for spans without baggage. The request's id is
/// decided when ASP.NET Core's server span starts, before the host writes its first log record of the request.
/// </remarks>
internal sealed class CorrelationSpanProcessor : BaseProcessor<Activity>
{
    private const string AspNetCoreSource = "Microsoft.AspNetCore";

    private readonly IHttpContextAccessor? _contexts;
    private readonly RequestCorrelation? _correlation;
    private readonly AspNetCorePipelineState? _pipeline;

    public CorrelationSpanProcessor(IHttpContextAccessor? contexts = null, RequestCorrelation? correlation = null, AspNetCorePipelineState? pipeline = null)
    {
        _contexts = contexts;
        _correlation = correlation;
        _pipeline = pipeline;
    }

    public override void OnStart(Activity data)
    {
        if (data.Kind == ActivityKind.Server && _correlation is not null && _pipeline is { Enabled: true }
            && data.Source.Name == AspNetCoreSource && _contexts?.HttpContext is { } context)
        {
            try
            {
                _correlation.For(context, data);
                return;
            }
            catch (Exception ex)
            {
                ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(CorrelationSpanProcessor), ex);
            }
        }

        Tag(data);
    }

    public override void OnEnd(Activity data) => Tag(data);

    private static void Tag(Activity activity)
    {
        try
        {
            if (activity.GetTagItem(CorrelationIds.Key) is not null)
            {
                return;
            }

            var id = CorrelationIds.Current(activity);
            if (id is not null)
            {
                activity.SetTag(CorrelationIds.Key, id);
            }
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(CorrelationSpanProcessor), ex);
        }
    }
}
