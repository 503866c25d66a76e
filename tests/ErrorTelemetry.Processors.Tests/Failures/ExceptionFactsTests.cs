using System.Runtime.CompilerServices;
using ErrorTelemetry.Failures.Internal;

namespace ErrorTelemetry.Tests.Failures;

// Some of these tests fill the process-wide table past its capacity, which makes it forget the exceptions of tests
// running at the same time (a failure classified twice): they run alone.
[CollectionDefinition(nameof(ExceptionFactsTests), DisableParallelization = true)]
[Collection(nameof(ExceptionFactsTests))]
public sealed class ExceptionFactsTests
{
    private const int Capacity = ExceptionFacts.BucketCount * ExceptionFacts.Ways;

    [Fact]
    public void Of_SameException_SameFacts()
    {
        var exception = new TimeoutException("The database did not answer.");

        var first = ExceptionFacts.Of(exception);

        Assert.Same(first, ExceptionFacts.Of(exception));
        Assert.Same(first, ExceptionFacts.Find(exception));
    }

    [Fact]
    public void Of_DifferentExceptionsWithSameText_DifferentFacts()
    {
        var one = new TimeoutException("The database did not answer.");
        var other = new TimeoutException("The database did not answer.");

        var facts = ExceptionFacts.Of(one);

        Assert.NotSame(facts, ExceptionFacts.Of(other));
        Assert.Null(ExceptionFacts.Find(new TimeoutException("The database did not answer.")));
    }

    [Fact]
    public void Of_ManyThreadsSameException_OneFacts()
    {
        var exception = new InvalidOperationException("raced");
        var seen = new ExceptionFacts[64];

        Parallel.For(0, seen.Length, i => seen[i] = ExceptionFacts.Of(exception));

        Assert.All(seen, facts => Assert.Same(seen[0], facts));
    }

    [Fact]
    public void Of_ManyThreadsManyExceptionsInTurn_EachExceptionOneFactsNeverAnother()
    {
        // Four threads ask for the same 64 exceptions at once, each in its own order, so that threads meet in the
        // same buckets while ways are being claimed: every exception gets one facts, and no two share one.
        var exceptions = new Exception[64];
        for (var i = 0; i < exceptions.Length; i++)
        {
            exceptions[i] = new InvalidOperationException("raced " + i);
        }

        var seen = new ExceptionFacts[4, exceptions.Length];
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, thread =>
        {
            for (var round = 0; round < 20; round++)
            {
                for (var i = 0; i < exceptions.Length; i++)
                {
                    var index = (i * (thread + 1) * 7 + round) % exceptions.Length;
                    var facts = ExceptionFacts.Of(exceptions[index]);
                    if (seen[thread, index] is null)
                    {
                        seen[thread, index] = facts;
                    }
                    else
                    {
                        Assert.Same(seen[thread, index], facts);
                    }
                }
            }
        });

        var distinct = new HashSet<ExceptionFacts>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < exceptions.Length; i++)
        {
            for (var thread = 1; thread < 4; thread++)
            {
                Assert.Same(seen[0, i], seen[thread, i]);
            }

            Assert.True(distinct.Add(seen[0, i]));
            Assert.Same(seen[0, i], ExceptionFacts.Find(exceptions[i]));
        }
    }

    [Fact]
    public void Of_BucketFullOfLiveExceptions_ForgetsTheOldestFirst()
    {
        // Exceptions that land in one bucket (the table is keyed by identity hash), all kept alive: once the bucket
        // is full, each new one takes the way of the oldest, and the newer ones stay remembered.
        var bucket = -1;
        var same = new List<(Exception Exception, ExceptionFacts Facts)>();
        var others = new List<Exception>();
        while (same.Count < ExceptionFacts.Ways + 2)
        {
            var exception = new InvalidOperationException("bucket");
            var hash = RuntimeHelpers.GetHashCode(exception) & (ExceptionFacts.BucketCount - 1);
            if (bucket < 0)
            {
                bucket = hash;
            }

            if (hash == bucket)
            {
                same.Add((exception, ExceptionFacts.Of(exception)));
            }
            else
            {
                others.Add(exception);
            }
        }

        // Only the two oldest and the newest are asserted: tests running at the same time may add to the bucket too.
        Assert.Null(ExceptionFacts.Find(same[0].Exception));
        Assert.Null(ExceptionFacts.Find(same[1].Exception));
        Assert.Same(same[^1].Facts, ExceptionFacts.Find(same[^1].Exception));

        GC.KeepAlive(others);
    }

    [Fact]
    public void Of_ExceptionCollected_FactsAndTextCollectedWithIt()
    {
        var (exception, facts) = RememberedException();

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(exception.IsAlive);
        Assert.False(facts.IsAlive);
    }

    [Fact]
    public void Of_MoreLiveExceptionsThanCapacity_RemembersAtMostCapacityAndNeverMixesThem()
    {
        var exceptions = new Exception[Capacity * 8];
        var facts = new ExceptionFacts[exceptions.Length];
        for (var i = 0; i < exceptions.Length; i++)
        {
            exceptions[i] = new InvalidOperationException("same text");
            facts[i] = ExceptionFacts.Of(exceptions[i]);
        }

        var remembered = 0;
        for (var i = 0; i < exceptions.Length; i++)
        {
            if (ExceptionFacts.Find(exceptions[i]) is { } found)
            {
                remembered++;
                Assert.Same(facts[i], found);
            }
        }

        Assert.InRange(remembered, 1, Capacity);
        GC.KeepAlive(exceptions);
    }

    [Fact]
    public void Of_ManyCollectedExceptionsAfterALiveOne_LiveOneStillRemembered()
    {
        var live = new TimeoutException("The database did not answer.");
        var facts = ExceptionFacts.Of(live);

        // Sixteen times the table's capacity goes through it, a few at a time, each batch collected before the next:
        // the ways of collected exceptions are reused, and the live exception, the oldest entry, is never forgotten.
        for (var round = 0; round < Capacity; round++)
        {
            RememberDeadExceptions(16);
            GC.Collect();
        }

        Assert.Same(facts, ExceptionFacts.Find(live));
        GC.KeepAlive(live);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RememberDeadExceptions(int count)
    {
        for (var i = 0; i < count; i++)
        {
            ExceptionFacts.Of(new InvalidOperationException("gone"));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference Exception, WeakReference Facts) RememberedException()
    {
        var exception = new TimeoutException("The database did not answer.");
        var facts = ExceptionFacts.Of(exception);
        ExceptionText.Raw(exception);
        return (new WeakReference(exception), new WeakReference(facts));
    }
}
