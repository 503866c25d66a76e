using System.Diagnostics;
using ErrorTelemetry.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace ErrorTelemetry.Correlation.Internal;

/// <summary>
/// Adds <c>correlation.id</c> as an attribute to every log record written while a correlation id is current, so it
/// reaches every exporter (and the redaction that runs before them) without depending on <c>IncludeScopes</c>.
/// </summary>
/// <remarks>
/// When <c>IncludeScopes</c> is on and a scope already carries <c>correlation.id</c>, exporters write it from the
/// scope, so the attribute is not added a second time. Allocates nothing for records without a correlation id.
/// </remarks>
internal sealed class CorrelationLogProcessor : BaseProcessor<LogRecord>
{
    [ThreadStatic]
    private static ScopeProbe? _probe;

    public override void OnEnd(LogRecord data) => Process(data, Activity.Current);

    /// <summary><see cref="OnEnd"/> for a caller that has read the current span already (<paramref name="activity"/>).</summary>
    internal void Process(LogRecord data, Activity? activity)
    {
        try
        {
            var id = CorrelationIds.Current(activity);
            if (id is null)
            {
                return;
            }

            var attributes = data.Attributes;
            if (Contains(attributes) || ScopesCarry(data))
            {
                return;
            }

            var list = new List<KeyValuePair<string, object?>>((attributes?.Count ?? 0) + 1);
            if (attributes is not null)
            {
                for (var i = 0; i < attributes.Count; i++)
                {
                    list.Add(attributes[i]);
                }
            }

            list.Add(new(CorrelationIds.Key, id));
            data.Attributes = list;
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(CorrelationLogProcessor), ex);
        }
    }

    private static bool Contains(IReadOnlyList<KeyValuePair<string, object?>>? attributes)
    {
        if (attributes is null)
        {
            return false;
        }

        for (var i = 0; i < attributes.Count; i++)
        {
            if (attributes[i].Key == CorrelationIds.Key)
            {
                return true;
            }
        }

        return false;
    }

    private static bool ScopesCarry(LogRecord record)
    {
        // The SDK hands scopes to processors only when IncludeScopes is on, which is exactly when exporters write them.
        var probe = _probe ??= new ScopeProbe();
        probe.Found = false;
        record.ForEachScope(
            static (scope, state) =>
            {
                foreach (var item in scope)
                {
                    if (item.Key == CorrelationIds.Key)
                    {
                        state.Found = true;
                    }
                }
            },
            probe);
        return probe.Found;
    }

    private sealed class ScopeProbe
    {
        public bool Found;
    }
}
