using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace ErrorTelemetry.Failures.Internal;

/// <summary>
/// What ErrorTelemetry recorded on one span (the code the application stated, the exception it failed with, whether it
/// is excluded, its failure), kept in one place: a failed span's processing reads it once instead of taking the span's
/// property lock once per fact.
/// </summary>
/// <remarks>
/// <para>Thread-safe: created once per span; each fact is read and written whole.</para>
/// <para>The record is itself the span's custom-property dictionary when the span has none yet (the usual case):
/// <see cref="Activity"/> keeps its custom properties in one dictionary it creates on first use, so a record stored as
/// one property cost a dictionary with its buckets and entries (216 bytes) besides the record, and a lock and a lookup
/// for every read. Installed in that field (compare-and-swap, as <see cref="Activity.SetCustomProperty"/> creates it),
/// the record costs one object, is read without a lock, and every other property still lands in it as in any
/// dictionary. When the span already has a dictionary (someone set a property first), the record is stored as an
/// ordinary property, as before. The field is reached only after a once-per-process probe found that the runtime
/// keeps the properties there (<see cref="InFieldAvailable"/>); otherwise every record is an ordinary property.</para>
/// </remarks>
internal sealed class SpanFailure : Dictionary<string, object>
{
    private const string PropertyName = "ErrorTelemetry.SpanFailure";

    // The newest System.Diagnostics.DiagnosticSource whose Activity was read to create its properties by
    // compare-and-swap.
    private const int MaxCheckedDiagnosticSourceMajor = 11;

    /// <summary>Gets whether records are kept in the span's own property field (see remarks).</summary>
    internal static readonly bool InFieldAvailable = ProbeField();

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
    public static SpanFailure? Of(Activity activity)
    {
        if (InFieldAvailable)
        {
            var properties = Volatile.Read(ref CustomProperties(activity));
            if (properties is null)
            {
                return null;
            }

            if (properties is SpanFailure inField)
            {
                return inField;
            }
        }

        return activity.GetCustomProperty(PropertyName) as SpanFailure;
    }

    /// <summary>What was recorded on <paramref name="activity"/>, created on first use.</summary>
    public static SpanFailure For(Activity activity)
    {
        if (InFieldAvailable)
        {
            ref var properties = ref CustomProperties(activity);
            var current = Volatile.Read(ref properties);
            if (current is null)
            {
                // As Activity creates its dictionary: whoever comes first, this or a property of anyone else, wins.
                var created = new SpanFailure();
                current = Interlocked.CompareExchange(ref properties, created, null) ?? created;
            }

            if (current is SpanFailure inField)
            {
                return inField;
            }
        }

        if (activity.GetCustomProperty(PropertyName) is SpanFailure existing)
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
            if (activity.GetCustomProperty(PropertyName) is SpanFailure raced)
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

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_customProperties")]
    private static extern ref Dictionary<string, object>? CustomProperties(Activity activity);

    // The record may live in the span's property field only if the runtime's Activity keeps its custom properties in
    // that field, reads it again after creating it (so that a record put there first is used) and finds properties in
    // it: checked once on a span of its own, which no listener sees.
    private static bool ProbeField()
    {
        // The probe checks behaviour on one thread, not that the runtime creates the field by compare-and-swap (which
        // our record's installation relies on to never overwrite, or be overwritten by, another dictionary). That was
        // read in System.Diagnostics.DiagnosticSource up to version 11; a later version gets ordinary properties until
        // someone reads it again and raises this bound.
        if (typeof(Activity).Assembly.GetName().Version is not { Major: <= MaxCheckedDiagnosticSourceMajor })
        {
            return false;
        }

        try
        {
            var probe = new Activity(PropertyName);
            ref var properties = ref CustomProperties(probe);
            if (properties is not null)
            {
                return false;
            }

            var record = new SpanFailure();
            properties = record;
            var value = new object();
            probe.SetCustomProperty(PropertyName, value);
            return ReferenceEquals(CustomProperties(probe), record)
                && record.Count == 1
                && ReferenceEquals(probe.GetCustomProperty(PropertyName), value);
        }
        catch (Exception)
        {
            // Whatever the runtime throws here (a missing field, a changed type, anything else) turns the field off:
            // the probe runs in a type initializer, and must not make every later use of a record throw.
            return false;
        }
    }
}
