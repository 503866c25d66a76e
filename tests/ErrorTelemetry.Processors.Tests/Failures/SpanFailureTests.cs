using System.Diagnostics;
using ErrorTelemetry.Failures.Internal;

namespace ErrorTelemetry.Tests.Failures;

public class SpanFailureTests
{
    private static readonly ErrorDefinition PaymentDeclined = new("PAYMENT_DECLINED", ErrorCategory.BusinessRule, "The payment was declined.");

    [Fact]
    public void For_FactsRecordedFromThreeThreadsAtOnce_NoneIsLost()
    {
        // The span's facts share one property: its creation must not let one thread's fact replace another's.
        for (var i = 0; i < 200; i++)
        {
            using var span = new Activity("checkout");
            var exception = new TimeoutException();
            using var start = new Barrier(3);
            var writers = new[]
            {
                new Thread(() => Write(start, () => FailureState.Ignore(span))),
                new Thread(() => Write(start, () => FailureState.SetException(span, exception))),
                new Thread(() => Write(start, () => FailureState.SetExplicit(span, PaymentDeclined))),
            };
            foreach (var writer in writers)
            {
                writer.Start();
            }

            foreach (var writer in writers)
            {
                writer.Join();
            }

            Assert.True(FailureState.IsIgnored(span));
            Assert.Same(exception, FailureState.GetException(span));
            Assert.Same(PaymentDeclined, FailureState.GetExplicit(span));
        }
    }

    [Fact]
    public void SetException_SecondException_FirstIsKept()
    {
        using var span = new Activity("checkout");
        var first = new TimeoutException();

        FailureState.SetException(span, first);
        FailureState.SetException(span, new InvalidOperationException());

        Assert.Same(first, FailureState.GetException(span));
    }

    private static void Write(Barrier start, Action write)
    {
        start.SignalAndWait();
        write();
    }
}
