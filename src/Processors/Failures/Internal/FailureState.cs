using System.Diagnostics;

namespace ErrorTelemetry.Failures.Internal;

/// <summary>
/// What is known about one failure while it travels through spans and log records of this process, so that it is
/// counted once per service however many spans it bubbles through and however often it is logged.
/// </summary>
internal sealed class FailureState
{
    private static readonly object BoxedTrue = true;
    private static readonly object BoxedFalse = false;

    public FailureState(ErrorDefinition definition, string fingerprint, string? causeCode)
    {
        Definition = definition;
        Fingerprint = fingerprint;
        CauseCode = causeCode;
    }

    public ErrorDefinition Definition { get; }

    /// <summary>Gets the definition's retryable flag as the attribute value, boxed once for the process.</summary>
    public object RetryableValue => Definition.Retryable ? BoxedTrue : BoxedFalse;

    public string Fingerprint { get; }

    public string? CauseCode { get; set; }

    public int Counted;

    public static FailureState? Of(Exception exception) => ExceptionFacts.Find(exception)?.Failure;

    public static FailureState? Of(Activity activity) => SpanFailure.Of(activity)?.Failure;

    /// <summary>Records the failure on a span and on its in-process ancestors that do not already carry one.</summary>
    public void AttachTo(Activity activity) => AttachTo(activity, Of(activity));

    /// <summary>
    /// <see cref="AttachTo(Activity)"/> for a span whose failure (<paramref name="current"/>) the caller has just read:
    /// that span's property is not read again (each read locks the span's property dictionary).
    /// </summary>
    public void AttachTo(Activity activity, FailureState? current) => AttachTo(activity, record: null, current);

    /// <summary>
    /// <see cref="AttachTo(Activity, FailureState?)"/> for a span whose record (<paramref name="record"/>, when it has
    /// one) the caller has just read too: it is not read again.
    /// </summary>
    public void AttachTo(Activity activity, SpanFailure? record, FailureState? current)
    {
        for (var span = activity; ; record = null, current = Of(span))
        {
            if (current is not null && !ReferenceEquals(current, this))
            {
                return;
            }

            if (current is null && (record ?? SpanFailure.For(span)).AttachFailure(this) is { } other && !ReferenceEquals(other, this))
            {
                // Another thread attached a failure first: as if it had been there when read.
                return;
            }

            if (span.Parent is not { } parent)
            {
                return;
            }

            span = parent;
        }
    }

    /// <summary>Marks the failure counted; returns false when it already was.</summary>
    public bool TryMarkCounted() => Interlocked.Exchange(ref Counted, 1) == 0;

    public static void SetExplicit(Activity activity, ErrorDefinition definition) =>
        SpanFailure.For(activity).Explicit = definition;

    public static ErrorDefinition? GetExplicit(Activity activity) => SpanFailure.Of(activity)?.Explicit;

    // The first exception recorded on a span is the one it failed with; later ones are usually the same, rethrown.
    public static void SetException(Activity activity, Exception exception) => SpanFailure.For(activity).RecordException(exception);

    public static Exception? GetException(Activity activity) => SpanFailure.Of(activity)?.Exception;

    /// <summary>
    /// Excludes a span and everything inside it from failure telemetry (a suppressed endpoint, a health probe): it
    /// gets no error attributes, and no failure inside it is counted.
    /// </summary>
    public static void Ignore(Activity activity) => SpanFailure.For(activity).Ignored = true;

    public static bool IsIgnored(Activity activity) => SpanFailure.Of(activity)?.Ignored == true;
}
