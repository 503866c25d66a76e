using System.Linq.Expressions;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Tests.TestSupport;

namespace ErrorTelemetry.Tests.Failures;

public sealed class ThrowSiteStackTraceTests
{
    [Fact]
    public void Failure_SameThrowSiteTwice_ExporterGetsEachExceptionsOwnText()
    {
        using var pipeline = new TelemetryPipeline();
        var first = FailOrder(42);
        var second = FailOrder(43);

        Record(pipeline, "first", first);
        Record(pipeline, "second", second);

        Assert.True(ThrowSiteStackTrace.Remembers(second));
        Assert.Equal(first.ToString(), StackTraceOf(pipeline, "first"));
        Assert.Equal(second.ToString(), StackTraceOf(pipeline, "second"));
        Assert.Contains("order 43", StackTraceOf(pipeline, "second"), StringComparison.Ordinal);
    }

    [Fact]
    public void Failure_TwoThrowsInOneMethod_ExporterGetsEachThrowsOwnLine()
    {
        using var pipeline = new TelemetryPipeline();
        var early = FailOrder(42, early: true);
        var late = FailOrder(42, early: false);
        var earlyAgain = FailOrder(43, early: true);
        var lateAgain = FailOrder(43, early: false);

        Record(pipeline, "early", early);
        Record(pipeline, "late", late);
        Record(pipeline, "early again", earlyAgain);
        Record(pipeline, "late again", lateAgain);

        Assert.NotEqual(early.StackTrace, late.StackTrace);
        Assert.Equal(early.ToString(), StackTraceOf(pipeline, "early"));
        Assert.Equal(late.ToString(), StackTraceOf(pipeline, "late"));
        Assert.Equal(earlyAgain.ToString(), StackTraceOf(pipeline, "early again"));
        Assert.Equal(lateAgain.ToString(), StackTraceOf(pipeline, "late again"));
    }

    [Fact]
    public void Of_RethrownThroughDispatchInfo_PrintsThePreviousLocationAsTheRuntimeDoes()
    {
        var direct = FailOrder(42);
        var rethrown = RethrowOrder(42);
        var rethrownAgain = RethrowOrder(43);

        Assert.Equal(direct.StackTrace, ThrowSiteStackTrace.Of(direct));
        Assert.Equal(rethrown.StackTrace, ThrowSiteStackTrace.Of(rethrown));
        Assert.True(ThrowSiteStackTrace.Remembers(rethrownAgain));
        Assert.Equal(rethrownAgain.StackTrace, ThrowSiteStackTrace.Of(rethrownAgain));
        Assert.True(ThrowSiteStackTrace.RemembersRecord(rethrownAgain));
        Assert.Contains("--- End of stack trace from previous location ---", ThrowSiteStackTrace.Of(rethrownAgain), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Of_FailureAfterAnAwait_SameTextAsTheRuntime()
    {
        var first = await CatchAsync(() => Orders.FailAfterYieldAsync(42));
        var second = await CatchAsync(() => Orders.FailAfterYieldAsync(43));

        Assert.Equal(first.StackTrace, ThrowSiteStackTrace.Of(first));
        Assert.Equal(second.StackTrace, ThrowSiteStackTrace.Of(second));
        Assert.True(ThrowSiteStackTrace.Remembers(second));
    }

    [Fact]
    public void Of_StackTraceFromElsewhere_KeepsItAheadOfTheFrames()
    {
        var plain = FailOrder(42);
        var withRemote = FailOrder(43, remote: "   at Warehouse.Reserve() in Warehouse.cs:line 7");

        Assert.Equal(plain.StackTrace, ThrowSiteStackTrace.Of(plain));
        Assert.True(ThrowSiteStackTrace.Remembers(withRemote));
        Assert.Equal(withRemote.StackTrace, ThrowSiteStackTrace.Of(withRemote));
        Assert.StartsWith("   at Warehouse.Reserve()", ThrowSiteStackTrace.Of(withRemote), StringComparison.Ordinal);
    }

    [Fact]
    public void ReadsRecord_64BitRuntime_ReadsTheRuntimesRecordOfFrames()
    {
        // The other tests go through the record only where it is read: on this runtime it must be.
        Assert.Equal(Environment.Is64BitProcess, ThrowSiteStackTrace.ReadsRecord);
    }

    [Fact]
    public void Failure_SameThrowSiteAtAnotherStackDepth_FoundByTheRecordAndExporterGetsEachExceptionsOwnText()
    {
        var shallow = FailOrder(42);
        var deep = Deeper(6, () => FailOrder(43));

        AssertSecondFoundByRecordAndEachExported(shallow, deep);
    }

    [Fact]
    public void Of_TwoThrowsInOneMethodSeenBefore_EachFoundByTheRecordWithItsOwnLine()
    {
        ThrowSiteStackTrace.Of(FailOrder(42, early: true));
        ThrowSiteStackTrace.Of(FailOrder(42, early: false));
        var early = FailOrder(43, early: true);
        var late = FailOrder(43, early: false);

        Assert.True(ThrowSiteStackTrace.RemembersRecord(early));
        Assert.True(ThrowSiteStackTrace.RemembersRecord(late));
        Assert.Equal(early.StackTrace, ThrowSiteStackTrace.Of(early));
        Assert.Equal(late.StackTrace, ThrowSiteStackTrace.Of(late));
        Assert.NotEqual(ThrowSiteStackTrace.Of(early), ThrowSiteStackTrace.Of(late));
    }

    [Fact]
    public void Failure_ThroughACompiledExpression_FoundByTheRecordAndExporterGetsEachExceptionsOwnText()
    {
        // Minimal-API handlers are called from a compiled expression: a dynamic method the runtime keeps alive beside
        // the exception's record of its frames.
        var order = Expression.Parameter(typeof(int), "order");
        var fail = Expression.Lambda<Action<int>>(
            Expression.Call(typeof(Orders).GetMethod(nameof(Orders.Fail))!, order, Expression.Constant(true), Expression.Constant(null, typeof(string))),
            order).Compile();
        var first = Catch(() => fail(42));
        var second = Catch(() => fail(43));

        AssertSecondFoundByRecordAndEachExported(first, second);
    }

    [Fact]
    public void Of_ThroughTwoDynamicMethodsWithTheSameCode_EachFoundOnlyByItsOwnRecord()
    {
        var first = Thrower(new DynamicMethod("Reserve", null, Type.EmptyTypes));
        var second = Thrower(new DynamicMethod("Reserve", null, Type.EmptyTypes));
        ThrowSiteStackTrace.Of(Catch(first));

        var again = Catch(first);
        var other = Catch(second);

        Assert.True(ThrowSiteStackTrace.RemembersRecord(again));
        Assert.False(ThrowSiteStackTrace.RemembersRecord(other));
        Assert.Equal(again.StackTrace, ThrowSiteStackTrace.Of(again));
        Assert.Equal(other.StackTrace, ThrowSiteStackTrace.Of(other));
    }

    [Fact]
    public void Of_NeverThrown_NoStackTrace()
    {
        var exception = new InvalidOperationException("order 42");

        Assert.Null(ThrowSiteStackTrace.Of(exception));
        Assert.False(ThrowSiteStackTrace.Remembers(exception));
    }

    [Fact]
    public void Of_MoreThrowSitesThanTheBound_RemembersAtMostTheBoundAndPrintsEveryOneAsTheRuntime()
    {
        try
        {
            for (var i = 0; i < ThrowSiteStackTrace.MaxSites + 50; i++)
            {
                var exception = Catch(Thrower(new DynamicMethod("Reserve" + i, null, Type.EmptyTypes)));

                Assert.Equal(exception.StackTrace, ThrowSiteStackTrace.Of(exception));
            }

            Assert.True(ThrowSiteStackTrace.CachedSites <= ThrowSiteStackTrace.MaxSites);
        }
        finally
        {
            // The table is the process's: the other tests of this class ask whether a site is remembered.
            ThrowSiteStackTrace.Forget();
        }
    }

    [Fact]
    public void Of_ThrownInACollectibleAssembly_NotRemembered()
    {
        var assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("Plugin"), AssemblyBuilderAccess.RunAndCollect);
        var type = assembly.DefineDynamicModule("Plugin").DefineType("Plugin.Reservations", TypeAttributes.Public | TypeAttributes.Class);
        var method = type.DefineMethod("Reserve", MethodAttributes.Public | MethodAttributes.Static, null, Type.EmptyTypes);
        Emit(method.GetILGenerator());
        var reserve = type.CreateType().GetMethod("Reserve")!.CreateDelegate<Action>();

        var first = Catch(reserve);
        var second = Catch(reserve);

        Assert.Equal(first.StackTrace, ThrowSiteStackTrace.Of(first));
        Assert.Equal(second.StackTrace, ThrowSiteStackTrace.Of(second));
        Assert.False(ThrowSiteStackTrace.Remembers(second));
        Assert.False(ThrowSiteStackTrace.RemembersRecord(second));
    }

    [Fact]
    public void Failure_CaughtEarlierThanAnExceptionReadWhileOtherThreadsThrewIt_ExporterGetsItsOwnText()
    {
        // One exception object thrown on other threads while it is read (a cached exception; a faulted task awaited by
        // many requests rethrows its one exception): the runtime records its frames as each throw passes them, so a
        // read may find them halfway (Inner and Mid, not yet Outer). Such a record must not be remembered with the text
        // of all three frames, which every later failure whose frames are Inner and Mid would then be exported with.
        var shared = new InvalidOperationException("out of stock");
        ThrowSiteStackTrace.Of(Nested.Outer(shared));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var throwers = Enumerable.Range(0, 2).Select(_ => new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                Nested.Outer(shared);
            }
        })).ToList();
        throwers.ForEach(thread => thread.Start());
        while (!stop.IsCancellationRequested)
        {
            ThrowSiteStackTrace.Of(shared);
        }

        throwers.ForEach(thread => thread.Join());
        var caughtInMid = Nested.Mid(new ArgumentException("order 43 is invalid"));
        using var pipeline = new TelemetryPipeline();
        Record(pipeline, "caught in mid", caughtInMid);

        Assert.Equal(caughtInMid.ToString(), StackTraceOf(pipeline, "caught in mid"));
    }

    // Calls action below depth frames of its own: the frames an exception caught inside action passes stay the same.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Exception Deeper(int depth, Func<Exception> action) => depth > 0 ? Deeper(depth - 1, action) : action();

    private static Action Thrower(DynamicMethod method)
    {
        Emit(method.GetILGenerator());
        return method.CreateDelegate<Action>();
    }

    private static void Emit(ILGenerator il)
    {
        il.Emit(OpCodes.Ldstr, "out of stock");
        il.Emit(OpCodes.Newobj, typeof(InvalidOperationException).GetConstructor([typeof(string)])!);
        il.Emit(OpCodes.Throw);
    }

    // Two failures of order 42 and 43 from one site: the second is found by its record, and each span's exception event
    // carries that exception's own text.
    private static void AssertSecondFoundByRecordAndEachExported(Exception first, Exception second)
    {
        using var pipeline = new TelemetryPipeline();
        Record(pipeline, "first", first);
        Record(pipeline, "second", second);

        Assert.True(ThrowSiteStackTrace.RemembersRecord(second));
        Assert.Equal(first.ToString(), StackTraceOf(pipeline, "first"));
        Assert.Equal(second.ToString(), StackTraceOf(pipeline, "second"));
        Assert.Contains("order 43", StackTraceOf(pipeline, "second"), StringComparison.Ordinal);
    }

    private static void Record(TelemetryPipeline pipeline, string name, Exception exception)
    {
        using var activity = pipeline.Source.StartActivity(name);
        activity!.AddException(exception);
    }

    private static string? StackTraceOf(TelemetryPipeline pipeline, string name) =>
        Assert.Single(pipeline.Span(name).Events, e => e.Name == "exception").Tags["exception.stacktrace"] as string;

    // One call site for every exception of a kind, so that exceptions of the same kind pass the same frames.
    private static Exception FailOrder(int order, bool early = true, string? remote = null) =>
        Catch(() => Orders.Fail(order, early, remote));

    private static Exception RethrowOrder(int order) =>
        Catch(() => Orders.Rethrow(() => Orders.Fail(order, early: true)));

    private static Exception Catch(Action action)
    {
        try
        {
            action();
        }
        catch (Exception exception)
        {
            return exception;
        }

        throw new InvalidOperationException("Nothing was thrown.");
    }

    private static async Task<Exception> CatchAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception exception)
        {
            return exception;
        }

        throw new InvalidOperationException("Nothing was thrown.");
    }

    // An exception thrown in Inner passes Mid, which catches an ArgumentException, and Outer, which catches the rest.
    private static class Nested
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static Exception Outer(Exception exception)
        {
            try
            {
                return Mid(exception);
            }
            catch (InvalidOperationException caught)
            {
                return caught;
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static Exception Mid(Exception exception)
        {
            try
            {
                Inner(exception);
            }
            catch (ArgumentException caught)
            {
                return caught;
            }

            throw new InvalidOperationException("Nothing was thrown.");
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Inner(Exception exception) => throw exception;
    }

    private static class Orders
    {
        public static void Fail(int order, bool early, string? remote = null)
        {
            var exception = new InvalidOperationException($"order {order} is out of stock");
            if (remote is not null)
            {
                ExceptionDispatchInfo.SetRemoteStackTrace(exception, remote);
            }

            if (early)
            {
                throw exception;
            }

            Console.Out.Flush();
            throw exception;
        }

        public static void Rethrow(Action action)
        {
            try
            {
                action();
            }
            catch (Exception exception)
            {
                ExceptionDispatchInfo.Capture(exception).Throw();
            }
        }

        public static async Task FailAfterYieldAsync(int order)
        {
            await Task.Yield();
            throw new InvalidOperationException($"order {order} is out of stock");
        }
    }
}
