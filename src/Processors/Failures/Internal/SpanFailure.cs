using System.Diagnostics;

namespace ErrorTelemetry.Failures.Internal;

/// <summary>
/// What ErrorTelemetry recorded on one span (the code the application stated, the exception it failed with, whether it
/// is excluded, its failure), kept in one custom property: a failed span's processing reads it once instead of taking
/// the span's property lock once per fact.
/// </summary>
/// <remarks>Thread-safe: created once per span under a lock; each fact is read and written whole.</remarks>
internal sealed class SpanFailure
{
    private const string PropertyName = "ErrorTelemetry.SpanFailure";

    private ErrorDefinition? _explicit;
    private Exception? _exception;
    private ExceptionFacts? _exceptionFacts;
    private FailureState? _failure;
    private volatile bool _ignored;

    /// <summary>Gets or sets the definition the application stated with <c>SetErrorCode</c>.</summary>
    public ErrorDefinition? Explicit
    {
        get => Volatile.Read(ref _explicit);
        set => Volatile.Write(ref _explicit, value);
    }

    /// <summary>Gets the first exception recorded on the span.</summary>
    public Exception? Exception => Volatile.Read(ref _exception);

    /// <summary>
    /// Gets the facts of <see cref="Exception"/> when whoever recorded it had them at hand, else <see langword="null"/>
    /// (then they are looked up): the span's processing need not find them again in the exception table.
    /// </summary>
    public ExceptionFacts? ExceptionFacts => Volatile.Read(ref _exceptionFacts);

    /// <summary>Gets the failure attached to the span.</summary>
    public FailureState? Failure => Volatile.Read(ref _failure);

    /// <summary>Gets or sets a value indicating whether the span is excluded from failure telemetry.</summary>
    public bool Ignored
    {
        get => _ignored;
        set => _ignored = value;
    }

    /// <summary>What was recorded on <paramref name="activity"/>, or <see langword="null"/> when nothing was.</summary>
    public static SpanFailure? Of(Activity activity) => activity.GetCustomProperty(PropertyName) as SpanFailure;

    /// <summary>What was recorded on <paramref name="activity"/>, created on first use.</summary>
    public static SpanFailure For(Activity activity)
    {
        if (Of(activity) is { } existing)
        {
            return existing;
        }

        // Creation is rare (spans that fail, are excluded or carry a stated code) and must not lose a fact written at
        // the same time by another thread, which a read and a later write of the property could. The span itself is
        // the gate: failing spans on many threads at once (an error storm) do not queue on one lock, and, unlike a
        // gate chosen by the span's hash code, it costs no hash code (the runtime makes one up on first use).
        // Nothing is called under this lock but the span's own property methods, which take only their dictionary's.
        lock (activity)
        {
            if (Of(activity) is { } raced)
            {
                return raced;
            }

            var created = new SpanFailure();
            activity.SetCustomProperty(PropertyName, created);
            return created;
        }
    }

    /// <summary>Records the exception unless one is recorded already.</summary>
    public void RecordException(Exception exception) => Interlocked.CompareExchange(ref _exception, exception, null);

    /// <summary>Records the exception and its facts unless an exception is recorded already.</summary>
    public void RecordException(Exception exception, ExceptionFacts facts)
    {
        if (Interlocked.CompareExchange(ref _exception, exception, null) is null)
        {
            Volatile.Write(ref _exceptionFacts, facts);
        }
    }

    /// <summary>Attaches the failure unless one is attached already; returns the one attached before, or null.</summary>
    public FailureState? AttachFailure(FailureState failure) => Interlocked.CompareExchange(ref _failure, failure, null);
}
