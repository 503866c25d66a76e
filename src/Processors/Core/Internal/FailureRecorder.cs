using System.Diagnostics;
using ErrorTelemetry.Classification.Internal;
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

    public FailureRecorder(ExceptionClassifier classifier, FailureCounter counter)
    {
        _classifier = classifier;
        _counter = counter;
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

        _counter.Add(state.Definition, OperationOf(activity) ?? fallbackOperation);
    }

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
