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

    public ErrorDefinition Lookup(string code) =>
        _classifier.Catalog.TryGet(code, out var definition) ? definition : _classifier.Catalog.Unclassified;

    public void Count(FailureState state, Activity? activity, string? fallbackOperation)
    {
        if (!state.TryMarkCounted())
        {
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
            CorrelationIdOf(activity));
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
