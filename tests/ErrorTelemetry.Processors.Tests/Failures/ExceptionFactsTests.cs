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
