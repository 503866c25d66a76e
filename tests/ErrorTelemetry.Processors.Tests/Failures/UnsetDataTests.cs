using System.Collections;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Tests.TestSupport;

namespace ErrorTelemetry.Tests.Failures;

// One of these tests fills the process-wide cache of data getters past its bound; past it, an exception of a type not
// remembered yet has its data read, which creates it (an allocation per exception). So these tests run alone,
// and the filling test forgets what it filled.
[CollectionDefinition(nameof(UnsetDataTests), DisableParallelization = true)]
[Collection(nameof(UnsetDataTests))]
public sealed class UnsetDataTests
{
    [Fact]
    public void Of_NothingReadOrWroteTheData_True()
    {
        Assert.True(UnsetData.Of(new TimeoutException("late")));
        Assert.True(UnsetData.Of(Thrown(new ArgumentException("bad", "name"))));
    }

    [Fact]
    public void Of_DataReadOrWritten_False()
    {
        var read = new TimeoutException("late");
        _ = read.Data;
        var written = new InvalidOperationException("broken");
        written.Data["order"] = 42;

        Assert.False(UnsetData.Of(read));
        Assert.False(UnsetData.Of(written));
        Assert.False(UnsetData.Of(new InvalidOperationException("broken").WithContext("order", 42)));
    }

    [Fact]
    public void Of_TypeWithItsOwnDataGetter_False()
    {
        Assert.False(UnsetData.Of(new OwnDataException()));
        Assert.Equal(2, ExceptionText.Data(new OwnDataException())?.Count);
    }

    [Fact]
    public void Failure_TypeWithItsOwnDataGetter_ExporterGetsItsContextAndCause()
    {
        using var pipeline = new TelemetryPipeline();

        using (var activity = pipeline.Source.StartActivity("checkout"))
        {
            activity!.AddException(new OwnDataException());
        }

        var span = pipeline.Span("checkout");
        Assert.Equal("DOWNSTREAM_DOWN", span.Tag(ErrorTelemetryAttributes.CauseCode));
        Assert.Equal("42", span.Tag("error.context.order_id"));
    }

    [Fact]
    public void Failure_ApplicationWroteOurKeysDirectly_ExporterGetsContextAndCause()
    {
        using var pipeline = new TelemetryPipeline();
        var exception = new InvalidOperationException("broken");
        exception.Data["ErrorTelemetry.CauseCode"] = "DOWNSTREAM_DOWN";
        exception.Data["ErrorTelemetry.Context.order_id"] = "42";

        using (var activity = pipeline.Source.StartActivity("checkout"))
        {
            activity!.AddException(exception);
        }

        var span = pipeline.Span("checkout");
        Assert.Equal("DOWNSTREAM_DOWN", span.Tag(ErrorTelemetryAttributes.CauseCode));
        Assert.Equal("42", span.Tag("error.context.order_id"));
    }

    [Fact]
    public void Of_MoreTypesThanTheBound_RemembersAtMostTheBoundAndStillAnswers()
    {
        try
        {
            var runtimeTypes = typeof(Exception).Assembly.GetTypes().Count(typeof(Exception).IsAssignableFrom);
            var types = 0;
            for (var i = 0; i <= UnsetData.MaxCachedTypes / 32; i++)
            {
                for (var j = 0; j < 33; j++, types++)
                {
                    var type = typeof(MintedException<,>).MakeGenericType(Nest(typeof(int), i), Nest(typeof(long), j));
                    var minted = (Exception)Activator.CreateInstance(type)!;
                    Assert.Null(ExceptionText.Data(minted));
                    minted.Data["order"] = types;
                    Assert.Equal(types, ExceptionText.Data(minted)?["order"]);
                }
            }

            Assert.True(types > UnsetData.MaxCachedTypes);
            Assert.True(UnsetData.CachedTypes <= UnsetData.MaxCachedTypes + runtimeTypes);
            Assert.True(UnsetData.Of(new TimeoutException("late")));
        }
        finally
        {
            UnsetData.ForgetCachedTypes();
        }
    }

    private static Type Nest(Type type, int depth)
    {
        for (var i = 0; i < depth; i++)
        {
            type = typeof(List<>).MakeGenericType(type);
        }

        return type;
    }

    private static Exception Thrown(Exception exception)
    {
        try
        {
            throw exception;
        }
        catch (Exception caught)
        {
            return caught;
        }
    }

    // Data that no field of Exception holds: only its getter knows it.
    private sealed class OwnDataException : Exception
    {
        public override IDictionary Data => new Hashtable
        {
            ["ErrorTelemetry.CauseCode"] = "DOWNSTREAM_DOWN",
            ["ErrorTelemetry.Context.order_id"] = "42",
        };
    }

    private sealed class MintedException<T1, T2> : Exception;
}
