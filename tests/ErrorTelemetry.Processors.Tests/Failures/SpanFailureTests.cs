using System.Diagnostics;
using ErrorTelemetry.Classification.Internal;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Redaction.Internal;
using TestRedactors = ErrorTelemetry.Tests.Redaction.TestRedactors;
using ErrorTelemetry.Tests.TestSupport;
using OpenTelemetry;
using OpenTelemetry.Trace;

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

    [Fact]
    public void RecordException_SecondExceptionWithItsFacts_FirstExceptionsFactsKept()
    {
        using var span = new Activity("checkout");
        var first = new TimeoutException();
        var second = new InvalidOperationException();
        var record = SpanFailure.For(span);

        record.RecordException(first, ExceptionFacts.Of(first));
        record.RecordException(second, ExceptionFacts.Of(second));

        Assert.Same(first, record.Exception);
        Assert.Same(ExceptionFacts.Of(first), record.ExceptionFacts);
    }

    [Fact]
    public void OnEnd_TwoExceptionsWithSecretsOnOneSpan_ClassifiedByTheFirstAndBothRedacted()
    {
        // The span carries its first exception's facts to classification and to redaction, which must not apply
        // them to the second exception's event.
        using var source = new ActivitySource("ErrorTelemetry.Tests.SpanFailure." + Guid.NewGuid().ToString("N"));
        using var counter = new FailureCounter(100, meterName: source.Name);
        var recorder = new FailureRecorder(new ExceptionClassifier(new ErrorCatalog(BuiltInErrors.All())), counter);
        var redactor = TestRedactors.Default;
        var spans = new InMemoryExporter<Activity, SpanSnapshot>(SpanSnapshot.From);
        using (Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .AddProcessor(new ErrorSpanProcessor(recorder, redactor.Redact))
            .AddProcessor(new RedactionSpanProcessor(redactor))
            .AddProcessor(new SimpleActivityExportProcessor(spans))
            .Build())
        {
            using var span = source.StartActivity("checkout");
            span!.AddException(new TimeoutException("Customer bob@example.com timed out"));
            span.AddException(new ArgumentException("Card 4111 1111 1111 1111 was refused for alice@example.com"));
        }

        var exported = Assert.Single(spans.Items);
        Assert.Equal("OPERATION_TIMEOUT", exported.Tag(ErrorTelemetryAttributes.Code));
        Assert.Equal(2, exported.Events.Count(e => e.Name == "exception"));
        var dump = exported.Dump();
        Assert.DoesNotContain("bob@example.com", dump, StringComparison.Ordinal);
        Assert.DoesNotContain("alice@example.com", dump, StringComparison.Ordinal);
        Assert.DoesNotContain("4111 1111", dump, StringComparison.Ordinal);
        Assert.Contains("Customer [REDACTED:email] timed out", dump, StringComparison.Ordinal);
    }

    private static void Write(Barrier start, Action write)
    {
        start.SignalAndWait();
        write();
    }
}
