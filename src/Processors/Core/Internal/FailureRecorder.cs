using System.Diagnostics;
using ErrorTelemetry.Classification.Internal;
using ErrorTelemetry.Diagnostics;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Metrics.Internal;

namespace ErrorTelemetry.Core.Internal;

/// <summary>
/// Shared by the span and log processors: turns a failure signal into a <see cref="FailureState"/> and counts
/// each failure once per service.
/// </summary>
internal sealed class FailureRecorder
{
    private readonly ExceptionClassifier _classifier;
    private readonly FailureCounter _counter;
    private readonly IFailureSink[] _sinks;

    public FailureRecorder(ExceptionClassifier classifier, FailureCounter counter, IEnumerable<IFailureSink>? sinks = null)
    {
        _classifier = classifier;
        _counter = counter;
        _sinks = sinks is null ? [] : [.. sinks];
    }

    public ErrorCatalog Catalog => _classifier.Catalog;

    public FailureState ForException(Exception exception)
    {
        var existing = FailureState.Of(exception);
        if (existing is not null)
        {
            return existing;
        }

        var classification = _classifier.Classify(exception);
        var state = new FailureState(
            classification.Definition,
            Fingerprint.Compute(classification.Definition, classification.Matched ?? exception),
            classification.CauseCode);
        return FailureState.For(exception, state);
    }

    public static FailureState ForDefinition(ErrorDefinition definition, string? causeCode = null) =>
        new(definition, Fingerprint.Compute(definition, null), causeCode);

    public ErrorDefinition? ClassifyStatus(int status) => _classifier.ClassifyStatus(status);

    /// <summary>
    /// The attributes an exception carries beyond its code: context attached on the way up
    /// (<c>error.context.*</c>) and a coded exception's structured details (<c>error.detail.*</c>).
    /// </summary>
    /// <returns>The attributes, or null when there are none.</returns>
    public static List<KeyValuePair<string, object?>>? ExceptionAttributes(Exception exception)
    {
        List<KeyValuePair<string, object?>>? attributes = null;
        var context = ExceptionContext.Read(exception);
        for (var i = 0; i < context.Count; i++)
        {
            (attributes ??= []).Add(new(ErrorTelemetryAttributes.ContextPrefix + context[i].Key, context[i].Value));
        }

        if (FindCoded(exception) is { } coded)
        {
            var details = coded.Details;
            for (var i = 0; i < details.Count; i++)
            {
                (attributes ??= []).Add(new(DetailPrefix + details[i].Key, ExportableValue(details[i].Value)));
            }
        }

        return attributes;
    }

    private static CodedException? FindCoded(Exception exception)
    {
        // Coded exceptions are often wrapped once or twice on their way up; a short walk finds them.
        var current = exception;
        for (var depth = 0; current is not null && depth < 8; depth++)
        {
            if (current is CodedException coded)
            {
                return coded;
            }

            current = current.InnerException;
        }

        return null;
    }

    /// <summary>The prefix of a coded exception's structured details, e.g. <c>error.detail.order_id</c>.</summary>
    public const string DetailPrefix = "error.detail.";

    // OTLP carries strings, booleans, integers and doubles; the other detail types travel as invariant strings.
    private static object ExportableValue(object value) => value switch
    {
        long or double or bool => value,
        Guid g => g.ToString("D"),
        DateTimeOffset d => d.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        TimeSpan t => t.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    public ErrorDefinition Lookup(string code) =>
        _classifier.Catalog.TryGet(code, out var definition) ? definition : _classifier.Catalog.Unclassified;

    /// <summary>
    /// A failure raised while handling one that a descendant span (or a log record inside it) already recorded is
    /// the same failure converted or wrapped on its way up (a timeout turned into TaskCanceledException, an
    /// HttpRequestException wrapped in a CodedException): the earlier code becomes its cause.
    /// </summary>
    public static void LinkToInherited(FailureState state, FailureState? inherited)
    {
        if (inherited is not null && !ReferenceEquals(inherited, state) && state.CauseCode is null
            && !string.Equals(inherited.Definition.Code, state.Definition.Code, StringComparison.Ordinal))
        {
            state.CauseCode = inherited.CauseCode ?? inherited.Definition.Code;
        }
    }

    public void Count(FailureState state, Activity? activity, string? fallbackOperation, FailureState? inherited = null)
    {
        if (!state.TryMarkCounted())
        {
            return;
        }

        if (inherited is not null && !ReferenceEquals(inherited, state) && Volatile.Read(ref inherited.Counted) == 1)
        {
            // Counted once, where it was first seen, whatever it is called further up.
            return;
        }

        var operation = OperationOf(activity) ?? fallbackOperation ?? string.Empty;
        _counter.Add(state.Definition, operation);
        if (_sinks.Length == 0)
        {
            return;
        }

        var record = new FailureRecord(
            state.Definition,
            state.Fingerprint,
            state.CauseCode,
            operation,
            activity?.TraceId,
            CorrelationIdOf(activity),
            activity?.SpanId);
        foreach (var sink in _sinks)
        {
            try
            {
                sink.OnFailure(record);
            }
            catch (Exception ex)
            {
                ErrorTelemetryEventSource.Log.CallbackFailed(sink.GetType().Name, ex);
            }
        }
    }

    /// <summary>The correlation id travels as W3C baggage; the span's own baggage is searched up to the root.</summary>
    public static string? CorrelationIdOf(Activity? activity) =>
        activity?.GetBaggageItem(ErrorTelemetryAttributes.CorrelationId) ?? OpenTelemetry.Baggage.GetBaggage(ErrorTelemetryAttributes.CorrelationId);

    /// <summary>The operation a failure is counted under: the name of the local root span (for a request, its route).</summary>
    public static string? OperationOf(Activity? activity)
    {
        if (activity is null)
        {
            return null;
        }

        var root = activity;
        while (root.Parent is { } parent)
        {
            root = parent;
        }

        return root.DisplayName;
    }
}
