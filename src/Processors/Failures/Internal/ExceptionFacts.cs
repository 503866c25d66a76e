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
/// <para>Thread-safe: each bucket is read and written under its own lock; each fact is set once, the first writer
/// wins.</para>
/// </remarks>
internal sealed class ExceptionFacts
{
    /// <summary>The number of buckets (a power of two).</summary>
    internal const int BucketCount = 256;

    /// <summary>The entries per bucket.</summary>
    internal const int Ways = 4;

    private static readonly Bucket[] Buckets = CreateBuckets();

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

    private static Bucket[] CreateBuckets()
    {
        var buckets = new Bucket[BucketCount];
        for (var i = 0; i < buckets.Length; i++)
        {
            buckets[i] = new Bucket();
        }

        return buckets;
    }

    private sealed class Bucket
    {
        // A dependent handle keeps the facts alive exactly as long as the exception: they die young together,
        // instead of the facts being promoted while they wait in the table.
        private readonly DependentHandle[] _handles = new DependentHandle[Ways];
        private readonly int[] _hashes = new int[Ways];
        private readonly long[] _added = new long[Ways];
        private readonly Lock _gate = new();
        private long _clock;

        public ExceptionFacts? Find(Exception exception, int hash)
        {
            lock (_gate)
            {
                return Lookup(exception, hash);
            }
        }

        public ExceptionFacts GetOrAdd(Exception exception, int hash)
        {
            lock (_gate)
            {
                // Most calls find the exception (every signal after its first).
                if (Lookup(exception, hash) is { } found)
                {
                    return found;
                }

                // Not here: a free way (never used, or its exception collected), else the least recently added.
                var victim = -1;
                for (var i = 0; i < Ways; i++)
                {
                    if (!_handles[i].IsAllocated)
                    {
                        victim = i;
                        break;
                    }

                    if (_handles[i].Target is null)
                    {
                        // Collected, and its facts with it: the way is free.
                        _handles[i].Dispose();
                        _handles[i] = default;
                        victim = i;
                        break;
                    }

                    if (victim < 0 || _added[i] < _added[victim])
                    {
                        victim = i;
                    }
                }

                if (_handles[victim].IsAllocated)
                {
                    _handles[victim].Dispose();
                }

                var created = new ExceptionFacts();
                _handles[victim] = new DependentHandle(exception, created);
                _hashes[victim] = hash;
                _added[victim] = ++_clock;
                return created;
            }
        }

        // Under the lock: only a way with the exception's hash is opened (reading a handle is a runtime call).
        private ExceptionFacts? Lookup(Exception exception, int hash)
        {
            for (var i = 0; i < Ways; i++)
            {
                if (_hashes[i] == hash && _handles[i].IsAllocated)
                {
                    var (target, facts) = _handles[i].TargetAndDependent;
                    if (ReferenceEquals(target, exception))
                    {
                        return (ExceptionFacts?)facts;
                    }
                }
            }

            return null;
        }
    }
}
