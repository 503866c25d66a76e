using System.Diagnostics;

namespace ErrorTelemetry.Failures.Internal;

/// <summary>
/// What is known about one failure while it travels through spans and log records of this process, so that it is
/// counted once per service however many spans it bubbles through and however often it is logged.
/// </summary>
internal sealed class FailureState
{
    private const string ActivityPropertyName = "ErrorTelemetry.Failure";
    private const string ExplicitPropertyName = "ErrorTelemetry.ExplicitDefinition";
    private const string ExceptionPropertyName = "ErrorTelemetry.Exception";
    private const string IgnoredPropertyName = "ErrorTelemetry.Ignored";

    public FailureState(ErrorDefinition definition, string fingerprint, string? causeCode)
    {
        Definition = definition;
        Fingerprint = fingerprint;
        CauseCode = causeCode;
    }

    public ErrorDefinition Definition { get; }

    public string Fingerprint { get; }

    public string? CauseCode { get; set; }

    public int Counted;

    public static FailureState? Of(Exception exception) => ExceptionFacts.Find(exception)?.Failure;

    public static FailureState? Of(Activity activity) => activity.GetCustomProperty(ActivityPropertyName) as FailureState;

    /// <summary>Records the failure on a span and on its in-process ancestors that do not already carry one.</summary>
    public void AttachTo(Activity activity)
    {
        for (var current = activity; current is not null; current = current.Parent)
        {
            if (current.GetCustomProperty(ActivityPropertyName) is FailureState existing && !ReferenceEquals(existing, this))
            {
                break;
            }

            current.SetCustomProperty(ActivityPropertyName, this);
        }
    }

    /// <summary>
    /// <see cref="AttachTo(Activity)"/> for a span whose failure the caller has just read (<see cref="Of(Activity)"/>):
    /// that span's property is not read again (each read locks the span's property dictionary).
    /// </summary>
    public void AttachTo(Activity activity, FailureState? current)
    {
        if (current is not null && !ReferenceEquals(current, this))
        {
            return;
        }

        if (current is null)
        {
            activity.SetCustomProperty(ActivityPropertyName, this);
        }

        if (activity.Parent is { } parent)
        {
            AttachTo(parent);
        }
    }

    /// <summary>Marks the failure counted; returns false when it already was.</summary>
    public bool TryMarkCounted() => Interlocked.Exchange(ref Counted, 1) == 0;

    public static void SetExplicit(Activity activity, ErrorDefinition definition) =>
        activity.SetCustomProperty(ExplicitPropertyName, definition);

    public static ErrorDefinition? GetExplicit(Activity activity) =>
        activity.GetCustomProperty(ExplicitPropertyName) as ErrorDefinition;

    public static void SetException(Activity activity, Exception exception)
    {
        // The first exception recorded on a span is the one it failed with; later ones are usually the same, rethrown.
        if (activity.GetCustomProperty(ExceptionPropertyName) is null)
        {
            activity.SetCustomProperty(ExceptionPropertyName, exception);
        }
    }

    public static Exception? GetException(Activity activity) =>
        activity.GetCustomProperty(ExceptionPropertyName) as Exception;

    /// <summary>
    /// Excludes a span and everything inside it from failure telemetry (a suppressed endpoint, a health probe): it
    /// gets no error attributes, and no failure inside it is counted.
    /// </summary>
    public static void Ignore(Activity activity) => activity.SetCustomProperty(IgnoredPropertyName, IgnoredPropertyName);

    public static bool IsIgnored(Activity activity) => activity.GetCustomProperty(IgnoredPropertyName) is not null;
}
