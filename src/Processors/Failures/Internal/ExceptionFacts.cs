using System.Runtime.CompilerServices;
using System.Runtime;

namespace ErrorTelemetry.Failures.Internal;

/// <summary>
/// What this process has worked out about one exception while it is in flight: its failure (so it is classified
/// and counted once however many spans and log records carry it) and its rendered text (so it is rendered and
/// redacted once).
/// </summary>
/// <remarks>
/// <para>Kept in a fixed table of <see cref="BucketCount"/> × <see cref="Ways"/> entries keyed by the exception's
/// identity, each a dependent handle (the facts live exactly as long as the exception), so the table never grows and
/// never keeps an exception or its text alive. A <c>ConditionalWeakTable</c> adds a lock, a container and periodic
/// resizes (and finalizers) per exception, more than classifying the exception; on a failure path that is paid for
/// every failure.</para>
/// <para>An entry is matched by reference only, so two exceptions never share facts. When all ways of a bucket hold
/// live exceptions, the least recently added is forgotten; if that exception then reaches another signal, it is
/// classified and rendered again (and could be counted again). That takes more than a thousand failures in flight at
/// once.</para>
/// <para>Thread-safe: each bucket is read and written under its own gate (a compare-and-swap; a thread that finds it
/// taken spins, then yields, as <see cref="SpinWait"/> does); each fact is set once, the first writer wins.</para>
/// </remarks>
internal sealed class ExceptionFacts
{
    /// <summary>The number of buckets (a power of two).</summary>
    internal const int BucketCount = 256;

    /// <summary>The entries per bucket.</summary>
    internal const int Ways = 4;

    private static readonly Bucket[] Buckets = new Bucket[BucketCount];

    private FailureState? _failure;
    private RenderedException? _text;
    private object? _redactedText;

    /// <summary>Gets the failure decided for the exception, or <see langword="null"/>.</summary>
    public FailureState? Failure => Volatile.Read(ref _failure);

    /// <summary>Gets the exception's text as rendered by <see cref="ExceptionText"/>, or <see langword="null"/>.</summary>
    public RenderedException? Text => Volatile.Read(ref _text);

    /// <summary>
    /// Gets or sets what <see cref="ExceptionText"/> keeps of the redacted text (the redactor that found
    /// <see cref="Text"/> clean, or the redacted text with its redactor), or <see langword="null"/>.
    /// </summary>
    public object? RedactedText
    {
        get => Volatile.Read(ref _redactedText);
        set => Volatile.Write(ref _redactedText, value);
    }

    /// <summary>The facts about <paramref name="exception"/>, created on first use.</summary>
    public static ExceptionFacts Of(Exception exception)
    {
        var hash = RuntimeHelpers.GetHashCode(exception);
        return Buckets[hash & (BucketCount - 1)].GetOrAdd(exception, hash);
    }

    /// <summary>The facts about <paramref name="exception"/>, or <see langword="null"/> when none were recorded.</summary>
    public static ExceptionFacts? Find(Exception exception)
    {
        var hash = RuntimeHelpers.GetHashCode(exception);
        return Buckets[hash & (BucketCount - 1)].Find(exception, hash);
    }

    /// <summary>Records the failure unless one is recorded already; returns the one recorded.</summary>
    public FailureState SetFailure(FailureState failure) => Interlocked.CompareExchange(ref _failure, failure, null) ?? failure;

    /// <summary>Records the rendered text unless one is recorded already; returns the one recorded.</summary>
    public RenderedException SetText(RenderedException text) => Interlocked.CompareExchange(ref _text, text, null) ?? text;

    // A bucket's ways side by side in one struct (one or two cache lines), in one array for the whole table: a lookup
    // touches the bucket's own memory only, not a bucket object, its gate and three arrays.
    private struct Bucket
    {
        // 0 free, 1 taken: a compare-and-swap, without the thread id (a thread-local read) that a Lock takes.
        public int Gate;
        public int Clock;
        public WayArray Slots;

        public ExceptionFacts? Find(Exception exception, int hash)
        {
            Enter();
            try
            {
                return Lookup(exception, hash);
            }
            finally
            {
                Volatile.Write(ref Gate, 0);
            }
        }

        public ExceptionFacts GetOrAdd(Exception exception, int hash)
        {
            Enter();
            try
            {
                // Most calls find the exception (every signal after its first).
                if (Lookup(exception, hash) is { } found)
                {
                    return found;
                }

                // Not here: a free way (never used, or its exception collected), else the least recently added. The
                // oldest way is asked first, as the likeliest to be dead (reading a target is a read in the runtime's
                // handle table, often not in the CPU's caches); the others only when it is alive.
                var oldest = Oldest();
                var victim = oldest;
                if (Slots[oldest].Handle.IsAllocated && Slots[oldest].Handle.Target is not null)
                {
                    for (var i = 0; i < Ways; i++)
                    {
                        if (i != oldest && (!Slots[i].Handle.IsAllocated || Slots[i].Handle.Target is null))
                        {
                            victim = i;
                            break;
                        }
                    }
                }

                ref var way = ref Slots[victim];
                if (way.Handle.IsAllocated)
                {
                    way.Handle.Dispose();
                    way.Handle = default;
                }

                var created = new ExceptionFacts();
                way.Handle = new DependentHandle(exception, created);
                way.Hash = hash;
                way.Added = ++Clock;
                return created;
            }
            finally
            {
                Volatile.Write(ref Gate, 0);
            }
        }

        private void Enter()
        {
            if (Interlocked.CompareExchange(ref Gate, 1, 0) != 0)
            {
                Contended();
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void Contended()
        {
            // Held for a handle's allocation at most: spin, then yield, as SpinWait does.
            var spinner = default(SpinWait);
            do
            {
                spinner.SpinOnce();
            }
            while (Interlocked.CompareExchange(ref Gate, 1, 0) != 0);
        }

        private readonly int Oldest()
        {
            var oldest = 0;
            for (var i = 1; i < Ways; i++)
            {
                if (Slots[i].Added - Slots[oldest].Added < 0)
                {
                    oldest = i;
                }
            }

            return oldest;
        }

        // Under the gate: only a way with the exception's hash is opened (reading a handle is a runtime call).
        private ExceptionFacts? Lookup(Exception exception, int hash)
        {
            for (var i = 0; i < Ways; i++)
            {
                ref var way = ref Slots[i];
                if (way.Hash == hash && way.Handle.IsAllocated)
                {
                    var (target, facts) = way.Handle.TargetAndDependent;
                    if (ReferenceEquals(target, exception))
                    {
                        return (ExceptionFacts?)facts;
                    }
                }
            }

            return null;
        }
    }

    private struct Way
    {
        // A dependent handle keeps the facts alive exactly as long as the exception: they die young together,
        // instead of the facts being promoted while they wait in the table.
        public DependentHandle Handle;
        public int Hash;
        public int Added;
    }

    [InlineArray(Ways)]
    private struct WayArray
    {
        private Way _first;
    }
}
