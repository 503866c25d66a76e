using System.Runtime.CompilerServices;
using ErrorTelemetry.Classification.Internal;
using ErrorTelemetry.Failures.Internal;

namespace ErrorTelemetry.Tests.Failures;

// The recorded failure is found again through the process-wide table of exception facts, which forgets the oldest
// exception of a bucket that other tests fill with live exceptions in between (ExceptionFactsTests does on purpose):
// these tests run alone with those.
[Collection(nameof(ExceptionFactsTests))]
public sealed class FailureRecorderTests : IDisposable
{
    private readonly FailureCounter _counter = new(100, meterName: "ErrorTelemetry.Tests.FailureRecorder." + Guid.NewGuid().ToString("N"));

    public void Dispose() => _counter.Dispose();

    [Fact]
    public void ForException_SameExceptionAgain_ReturnsTheRecordedFailureWithoutWork()
    {
        // The span and the log record of one failure carry the same exception: it is classified and fingerprinted
        // (a stack walk) once, and the second signal only looks the failure up.
        var recorder = new FailureRecorder(new ExceptionClassifier(new ErrorCatalog(BuiltInErrors.All())), _counter);
        var exception = Thrown();
        var first = recorder.ForException(exception);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var second = recorder.ForException(exception);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Same(first, second);
        Assert.Equal(0, allocated);
        Assert.Equal(BuiltInErrors.OperationTimeout.Code, first.Definition.Code);
        Assert.Matches("^[0-9a-f]{16}$", first.Fingerprint);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TimeoutException Thrown()
    {
        try
        {
            throw new TimeoutException("The database did not answer.");
        }
        catch (TimeoutException e)
        {
            return e;
        }
    }
}
