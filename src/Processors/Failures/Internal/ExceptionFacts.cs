using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ErrorTelemetry.Failures.Internal;

/// <summary>
/// What this process has worked out about one exception while it is in flight: its failure (so it is classified
/// and counted once however many spans and log records carry it) and its rendered text (so it is rendered and
/// redacted once).
/// </summary>
/// <remarks>
/// <para>Kept in a fixed table of <see cref="BucketCount"/> × <see cref="Ways"/> entries keyed by the exception's
/// identity, each holding the exception through a weak handle that the table allocates once and reuses, so
/// remembering an exception allocates no handle and the table never grows. A <c>ConditionalWeakTable</c> costs a
/// dependent handle, a lock and a resize per exception, more than classifying the exception; on a failure path
/// that is paid for every failure.</para>
/// <para>An entry is matched by reference only, so two exceptions never share facts. When all ways of a bucket hold
/// live exceptions, the least recently added is forgotten; if that exception then reaches another signal, it is
/// classified and rendered again (and could be counted again). That takes more than a thousand failures in flight at
/// once. Facts of a collected exception are dropped when its bucket is next used.</para>
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
    private object? _text;

    /// <summary>Gets the failure decided for the exception, or <see langword="null"/>.</summary>
    public FailureState? Failure => Volatile.Read(ref _failure);

    /// <summary>Gets the text cache entry of <see cref="ExceptionText"/>, or <see langword="null"/>.</summary>
    public object? Text => Volatile.Read(ref _text);

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

    /// <summary>Records the text entry unless one is recorded already; returns the one recorded.</summary>
    public T SetText<T>(T text)
        where T : class => (T)(Interlocked.CompareExchange(ref _text, text, null) ?? text);

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
        // Allocated once per way, kept for the life of the process, and re-pointed at each new exception.
        private readonly GCHandle[] _handles = new GCHandle[Ways];
        private readonly int[] _hashes = new int[Ways];
        private readonly ExceptionFacts?[] _facts = new ExceptionFacts?[Ways];
        private readonly long[] _added = new long[Ways];
        private readonly Lock _gate = new();
        private long _clock;

        public ExceptionFacts? Find(Exception exception, int hash)
        {
            lock (_gate)
            {
                for (var i = 0; i < Ways; i++)
                {
                    if (_hashes[i] == hash && _facts[i] is { } facts && ReferenceEquals(_handles[i].Target, exception))
                    {
                        return facts;
                    }
                }

                return null;
            }
        }

        public ExceptionFacts GetOrAdd(Exception exception, int hash)
        {
            lock (_gate)
            {
                var victim = 0;
                var victimFree = false;
                for (var i = 0; i < Ways; i++)
                {
                    if (_facts[i] is null)
                    {
                        if (!victimFree)
                        {
                            victim = i;
                            victimFree = true;
                        }

                        continue;
                    }

                    var target = _handles[i].Target;
                    if (target is null)
                    {
                        // Collected: drop its facts (and the text they hold) now rather than when the way is reused.
                        _facts[i] = null;
                        if (!victimFree)
                        {
                            victim = i;
                            victimFree = true;
                        }
                    }
                    else if (ReferenceEquals(target, exception) && _hashes[i] == hash)
                    {
                        return _facts[i]!;
                    }
                    else if (!victimFree && _added[i] < _added[victim])
                    {
                        victim = i;
                    }
                }

                if (!_handles[victim].IsAllocated)
                {
                    _handles[victim] = GCHandle.Alloc(exception, GCHandleType.Weak);
                }
                else
                {
                    _handles[victim].Target = exception;
                }

                var created = new ExceptionFacts();
                _hashes[victim] = hash;
                _facts[victim] = created;
                _added[victim] = ++_clock;
                return created;
            }
        }
    }
}
