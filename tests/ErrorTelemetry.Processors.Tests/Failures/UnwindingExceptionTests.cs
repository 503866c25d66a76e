using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Tests.TestSupport;

namespace ErrorTelemetry.Tests.Failures;

public class UnwindingExceptionTests
{
    private static readonly ErrorDefinition PaymentDeclined = new("PAYMENT_DECLINED", ErrorCategory.BusinessRule, "The payment was declined.");

    [Fact]
    public void Of_ThrowAfterSuccessfulSpansOnTheSameThread_SpanItUnwindsFailed()
    {
        // Successful spans let the thread be known as handling nothing; the throw must make it ask the runtime again.
        using var p = new TelemetryPipeline();
        for (var i = 0; i < 3; i++)
        {
            using (p.Source.StartActivity("ok" + i))
            {
            }
        }

        try
        {
            using (p.Source.StartActivity("charge"))
            {
                throw new CodedException(PaymentDeclined);
            }
        }
        catch (CodedException)
        {
        }

        Assert.Equal("PAYMENT_DECLINED", p.Span("charge").Tag("error.code"));
        for (var i = 0; i < 3; i++)
        {
            Assert.DoesNotContain(p.Span("ok" + i).Tags.Keys, k => k.StartsWith("error.", StringComparison.Ordinal));
        }

        Assert.Equal(1, p.FailureCount("PAYMENT_DECLINED"));
    }

    [Fact]
    public void MayBeHandling_ThrowOnTheThread_TrueUntilASpanStartsOutsideHandling()
    {
        using var p = new TelemetryPipeline();
        using (p.Source.StartActivity("ok"))
        {
        }

        Assert.False(UnwindingException.MayBeHandling);
        try
        {
            throw new InvalidOperationException("probe");
        }
        catch (InvalidOperationException)
        {
            Assert.True(UnwindingException.MayBeHandling);
        }

        Assert.True(UnwindingException.MayBeHandling);
        using (p.Source.StartActivity("after"))
        {
        }

        Assert.False(UnwindingException.MayBeHandling);
        Assert.Equal(0, p.FailureCount());
    }

    [Fact]
    public void OnStart_SpanInsideACatchAfterSuccessfulSpans_NotFailed()
    {
        using var p = new TelemetryPipeline();
        using (p.Source.StartActivity("before"))
        {
        }

        try
        {
            throw new CodedException(PaymentDeclined);
        }
        catch (CodedException)
        {
            using (p.Source.StartActivity("compensating"))
            {
            }
        }

        using (p.Source.StartActivity("after"))
        {
        }

        foreach (var name in new[] { "before", "compensating", "after" })
        {
            Assert.DoesNotContain(p.Span(name).Tags.Keys, k => k.StartsWith("error.", StringComparison.Ordinal));
        }

        Assert.Equal(0, p.FailureCount());
    }

    [Fact]
    public void Of_SpanStartedInACatchUnwoundByASecondThrow_Failed()
    {
        using var p = new TelemetryPipeline();
        using (p.Source.StartActivity("before"))
        {
        }

        try
        {
            throw new InvalidOperationException("first");
        }
        catch (InvalidOperationException)
        {
            try
            {
                using (p.Source.StartActivity("fallback"))
                {
                    throw new CodedException(PaymentDeclined);
                }
            }
            catch (CodedException)
            {
            }
        }

        Assert.Equal("PAYMENT_DECLINED", p.Span("fallback").Tag("error.code"));
    }
}
