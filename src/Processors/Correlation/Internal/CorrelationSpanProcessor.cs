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
    public override void OnStart(Activity data) => Tag(data, ending: false);

    public override void OnEnd(Activity data) => Tag(data, ending: true);

    private static void Tag(Activity activity, bool ending)
    {
        try
        {
            // At the end, a span with baggage nearly always carries the id already (tagged at start, or by the
            // request's decision on a server span): then the id need not be looked up and checked again. Asked only
            // of spans with baggage, so a span without any still pays no walk over its tags.
            var hasBaggage = CorrelationIds.HasBaggage(activity);
            if (ending && hasBaggage && activity.GetTagItem(CorrelationIds.Key) is not null)
            {
                return;
            }

            // Most spans have no correlation id: the baggage answers that before any walk over the span's tags.
            var id = CorrelationIds.Current(activity, hasBaggage);
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
