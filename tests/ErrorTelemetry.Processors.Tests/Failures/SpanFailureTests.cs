using System.Diagnostics;
using ErrorTelemetry.Classification.Internal;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Redaction.Internal;
using TestRedactors = ErrorTelemetry.Tests.Redaction.TestRedactors;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
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
        var spans = new InMemoryExporter<Activity, SpanSnapshot>(SpanSnapshot.From);
        using (FailurePipeline(source, counter, spans))
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

    [Fact]
    public void InFieldAvailable_ThisRuntime_IsOn()
    {
        // The record lives in the span's own property field only after the probe agreed; a runtime that turns it off
        // still works (every record an ordinary property), but should be noticed here.
        Assert.True(SpanFailure.InFieldAvailable);
    }

    [Fact]
    public void For_ApplicationPropertiesBeforeAndAfter_EachReadBackAndRecordKept()
    {
        using var first = new Activity("checkout");
        first.SetCustomProperty("app.before", "set before");
        var exception = new TimeoutException();
        FailureState.SetException(first, exception);

        using var second = new Activity("checkout");
        FailureState.SetException(second, exception);
        second.SetCustomProperty("app.after", "set after");
        FailureState.SetExplicit(second, PaymentDeclined);

        Assert.Equal("set before", first.GetCustomProperty("app.before"));
        Assert.Same(exception, FailureState.GetException(first));
        Assert.Equal("set after", second.GetCustomProperty("app.after"));
        Assert.Same(exception, FailureState.GetException(second));
        Assert.Same(PaymentDeclined, FailureState.GetExplicit(second));
        second.SetCustomProperty("app.after", null);
        Assert.Null(second.GetCustomProperty("app.after"));
        Assert.Same(PaymentDeclined, FailureState.GetExplicit(second));
    }

    [Fact]
    public void For_ApplicationPropertyWrittenAtTheSameTime_BothKept()
    {
        // The record and the application's first property race to create the span's property store.
        for (var i = 0; i < 200; i++)
        {
            using var span = new Activity("checkout");
            var exception = new TimeoutException();
            using var start = new Barrier(2);
            var writers = new[]
            {
                new Thread(() => Write(start, () => span.SetCustomProperty("app.key", "app value"))),
                new Thread(() => Write(start, () => FailureState.SetException(span, exception))),
            };
            foreach (var writer in writers)
            {
                writer.Start();
            }

            foreach (var writer in writers)
            {
                writer.Join();
            }

            Assert.Equal("app value", span.GetCustomProperty("app.key"));
            Assert.Same(exception, FailureState.GetException(span));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OnEnd_ApplicationPropertyOnTheFailedSpan_SameExportedSpanEitherWay(bool propertyFirst)
    {
        // Whether the record is the span's property store or one property in the application's store, the exporter
        // sees the same failed span, counted once.
        using var source = new ActivitySource("ErrorTelemetry.Tests.SpanFailure." + Guid.NewGuid().ToString("N"));
        using var counter = new FailureCounter(100, meterName: source.Name);
        using var counted = new MetricCollector<long>(null, source.Name, FailureCounter.InstrumentName);
        var spans = new InMemoryExporter<Activity, SpanSnapshot>(SpanSnapshot.From);
        using (FailurePipeline(source, counter, spans))
        {
            using var span = source.StartActivity("checkout");
            if (propertyFirst)
            {
                span!.SetCustomProperty("app.key", "app value");
            }

            span!.AddException(new TimeoutException("Customer bob@example.com timed out"));
            span.SetCustomProperty("app.other", "other value");
            Assert.Equal("other value", span.GetCustomProperty("app.other"));
        }

        var exported = Assert.Single(spans.Items);
        Assert.Equal("OPERATION_TIMEOUT", exported.Tag(ErrorTelemetryAttributes.Code));
        Assert.Equal("OPERATION_TIMEOUT", exported.Tag(ErrorTelemetryAttributes.ErrorType));
        Assert.Equal(ActivityStatusCode.Error, exported.Status);
        var exceptionEvent = Assert.Single(exported.Events, e => e.Name == "exception");
        Assert.Equal("Customer [REDACTED:email] timed out", exceptionEvent.Tags["exception.message"]);
        var point = Assert.Single(counted.GetMeasurementSnapshot());
        Assert.Equal(1, point.Value);
    }

    // Enrichment, redaction and export of every span of the source, as the host orders them.
    private static TracerProvider FailurePipeline(ActivitySource source, FailureCounter counter, InMemoryExporter<Activity, SpanSnapshot> spans)
    {
        var recorder = new FailureRecorder(new ExceptionClassifier(new ErrorCatalog(BuiltInErrors.All())), counter);
        var redactor = TestRedactors.Default;
        return Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .AddProcessor(new ErrorSpanProcessor(recorder, redactor.Redact))
            .AddProcessor(new RedactionSpanProcessor(redactor))
            .AddProcessor(new SimpleActivityExportProcessor(spans))
            .Build();
    }

    private static void Write(Barrier start, Action write)
    {
        start.SignalAndWait();
        write();
    }
}
