using System.Diagnostics;
using ErrorTelemetry.Diagnostics;
using OpenTelemetry;

namespace ErrorTelemetry.Correlation.Internal;

/// <summary>
/// Puts the correlation id (baggage <c>correlation.id</c>) on every span as the <c>correlation.id</c> attribute, so
/// that one id finds every span of a request in any backend, not only the ones that understand baggage.
/// </summary>
/// <remarks>
/// Tags at start (exporters registered ahead of this processor still see the attribute) and again at end for spans
/// whose baggage arrived after they started. Allocates nothing for spans without baggage.
/// </remarks>
internal sealed class CorrelationSpanProcessor : BaseProcessor<Activity>
{
    public override void OnStart(Activity data) => Tag(data);

    public override void OnEnd(Activity data) => Tag(data);

    private static void Tag(Activity activity)
    {
        try
        {
            // Most spans have no correlation id: the baggage answers that before any walk over the span's tags.
            var id = CorrelationIds.Current(activity);
            if (id is not null && activity.GetTagItem(CorrelationIds.Key) is null)
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
