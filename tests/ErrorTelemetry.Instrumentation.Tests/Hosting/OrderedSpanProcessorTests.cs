using System.Diagnostics;
using ErrorTelemetry.Classification.Internal;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Hosting.Internal;
using ErrorTelemetry.Redaction.Internal;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Tests.Hosting;

public sealed class OrderedSpanProcessorTests : IDisposable
{
    private readonly string _id = Guid.NewGuid().ToString("N");
    private readonly FailureCounter _counter;
    private readonly FailureRecorder _recorder;
    private readonly MetricCollector<long> _failures;

    public OrderedSpanProcessorTests()
    {
        var meterName = "Ordered.Tests." + _id;
        _failures = new MetricCollector<long>(null, meterName, FailureCounter.InstrumentName);
        _counter = new FailureCounter(100, meterName: meterName);
        _recorder = new FailureRecorder(new ExceptionClassifier(new ErrorCatalog(BuiltInErrors.All())), _counter);
    }

    [Fact]
    public void OnEnd_FailedSpanWithCorrelationId_CorrelatedThenEnrichedThenRedacted()
    {
        using var source = new ActivitySource("Ordered.Tests." + _id);
        var spans = new List<Activity>();
        using (var provider = Build(source.Name, new ParentBasedSampler(new AlwaysOnSampler()), spans))
        {
            using var request = source.StartActivity("request");
            request!.SetBaggage("correlation.id", "order-9");
            using var charge = source.StartActivity("charge");
            charge!.SetTag("note", "mail dave@example.com");
            charge.AddException(new TimeoutException("Customer bob@example.com timed out"));
        }

        var exported = Assert.Single(spans, s => s.DisplayName == "charge");
        Assert.Equal("order-9", exported.GetTagItem("correlation.id"));
        Assert.Equal("OPERATION_TIMEOUT", exported.GetTagItem("error.code"));
        Assert.Equal("mail [REDACTED:email]", exported.GetTagItem("note"));
        var exception = Assert.Single(exported.Events, e => e.Name == "exception");
        Assert.Equal("Customer [REDACTED:email] timed out", exception.Tags.Single(t => t.Key == "exception.message").Value);
        Assert.Equal(1, Count("OPERATION_TIMEOUT"));
    }

    [Fact]
    public void OnEnd_UnsampledSpanOfItsOwnSource_FailureCounted()
    {
        using var source = new ActivitySource("Ordered.Tests." + _id);
        var spans = new List<Activity>();
        using (Build(source.Name, new ParentBasedSampler(new AlwaysOnSampler()), spans))
        {
            using var span = source.StartActivity("POST /orders", ActivityKind.Server, UnsampledCaller());
            Assert.False(span!.Recorded);
            span.AddException(new TimeoutException());
        }

        Assert.Empty(spans);
        Assert.Equal(1, Count("OPERATION_TIMEOUT"));
    }

    [Fact]
    public void OnEnd_UnsampledSpanOfAnotherProvidersSource_NotCounted()
    {
        // The enrichment asks the provider it serves which sources are its own: another pipeline's spans are not.
        using var ours = new ActivitySource("Ordered.Tests." + _id);
        using var theirs = new ActivitySource("Ordered.Other." + _id);
        using (Build(ours.Name, new ParentBasedSampler(new AlwaysOnSampler()), []))
        using (Sdk.CreateTracerProviderBuilder().AddSource(theirs.Name).SetSampler(new ParentBasedSampler(new AlwaysOnSampler())).Build())
        {
            using (ours.StartActivity("ours"))
            {
            }

            using var span = theirs.StartActivity("POST /orders", ActivityKind.Server, UnsampledCaller());
            Assert.False(span!.Recorded);
            span.AddException(new TimeoutException());
        }

        Assert.Equal(0, Count("OPERATION_TIMEOUT"));
    }

    [Fact]
    public void OnEnd_ExceptionKeysSensitiveOrFailClosed_KeyPolicyApplies()
    {
        // The exception text is redacted once when it is rendered; the key policy must still reach the span's event.
        using var source = new ActivitySource("Ordered.Tests." + _id);
        var sensitive = new List<Activity>();
        var closed = new List<Activity>();
        var sensitiveOptions = new RedactionOptions();
        sensitiveOptions.SensitiveKeys.Add("exception.message");
        using (Build(source.Name, new AlwaysOnSampler(), sensitive, new Redactor(sensitiveOptions)))
        {
            using var span = source.StartActivity("charge");
            span!.AddException(new TimeoutException("order 42 timed out"));
        }

        using (Build(source.Name, new AlwaysOnSampler(), closed, new Redactor(new RedactionOptions { FailClosed = true })))
        {
            using var span = source.StartActivity("charge");
            span!.AddException(new TimeoutException("order 42 timed out"));
        }

        var replaced = Assert.Single(Assert.Single(sensitive).Events, e => e.Name == "exception").Tags.ToDictionary(t => t.Key, t => t.Value);
        Assert.DoesNotContain("order 42", Assert.IsType<string>(replaced["exception.message"]), StringComparison.Ordinal);
        Assert.Contains("order 42 timed out", Assert.IsType<string>(replaced["exception.stacktrace"]), StringComparison.Ordinal);
        var dropped = Assert.Single(Assert.Single(closed).Events, e => e.Name == "exception").Tags.Select(t => t.Key);
        Assert.DoesNotContain("exception.message", dropped);
        Assert.DoesNotContain("exception.stacktrace", dropped);
    }

    [Fact]
    public void OnEnd_SecretUnderKeyWhoseLastValueWasClean_Redacted()
    {
        // A span whose every tag is kept as the redactor remembers it skips the tag walk; a new value under a known key
        // must still be redacted, and the clean value again left alone.
        using var source = new ActivitySource("Ordered.Tests." + _id);
        var spans = new List<Activity>();
        using (Build(source.Name, new AlwaysOnSampler(), spans))
        {
            foreach (var note in (string[])["order shipped", "order shipped", "mail dave@example.com", "order shipped"])
            {
                using var span = source.StartActivity("ship");
                span!.SetTag("http.route", "/orders/{id}");
                span.SetTag("note", note);
            }
        }

        Assert.Equal(
            ["order shipped", "order shipped", "mail [REDACTED:email]", "order shipped"],
            spans.Select(s => s.GetTagItem("note")));
        Assert.All(spans, s => Assert.Equal("/orders/{id}", s.GetTagItem("http.route")));
    }

    [Fact]
    public void OnEnd_FailingSpanWhoseOwnTagsAreRememberedClean_AddedContextRedacted()
    {
        // The span's own tags are all known clean, but the failure adds the exception's context: redaction must still
        // walk the tags that enrichment added.
        using var source = new ActivitySource("Ordered.Tests." + _id);
        var spans = new List<Activity>();
        using (Build(source.Name, new AlwaysOnSampler(), spans))
        {
            for (var i = 0; i < 3; i++)
            {
                using var span = source.StartActivity("charge");
                span!.SetTag("note", "order shipped");
                if (i == 2)
                {
                    span.AddException(new TimeoutException("timed out").WithContext("customer", "mail bob@example.com"));
                }
            }
        }

        Assert.Equal("mail [REDACTED:email]", spans[2].GetTagItem("error.context.customer"));
        Assert.Equal("OPERATION_TIMEOUT", spans[2].GetTagItem("error.code"));
        Assert.All(spans, s => Assert.Equal("order shipped", s.GetTagItem("note")));
    }

    [Fact]
    public void OnEnd_FailedSpansWhoseTagsAreRememberedClean_ErrorAttributesExportedAndANewSecretRedacted()
    {
        // A failed span whose own tags are remembered clean, and whose added tags are the catalog's under keys the
        // redactor preserves, skips the tag walk: a secret under a known key must still be redacted.
        using var source = new ActivitySource("Ordered.Tests." + _id);
        var spans = new List<Activity>();
        using (Build(source.Name, new AlwaysOnSampler(), spans))
        {
            foreach (var note in (string[])["order shipped", "order shipped", "mail dave@example.com", "order shipped"])
            {
                using var span = source.StartActivity("charge");
                span!.SetTag("note", note);
                span.AddException(new TimeoutException("timed out"));
            }
        }

        Assert.Equal(
            ["order shipped", "order shipped", "mail [REDACTED:email]", "order shipped"],
            spans.Select(s => s.GetTagItem("note")));
        Assert.All(spans, s =>
        {
            Assert.Equal("OPERATION_TIMEOUT", s.GetTagItem("error.code"));
            Assert.Equal("OPERATION_TIMEOUT", s.GetTagItem("error.type"));
            Assert.Equal("timeout", s.GetTagItem("error.category"));
            Assert.Equal(true, s.GetTagItem("error.retryable"));
            Assert.Matches("^[0-9a-f]{16}$", Assert.IsType<string>(s.GetTagItem("error.fingerprint")));
        });
        Assert.Equal(4, Count("OPERATION_TIMEOUT"));
    }

    [Fact]
    public void OnEnd_ErrorAttributeKeySensitive_ReplacedOnEveryFailedSpan()
    {
        // Only a redactor that preserves every error attribute's key may leave a failed span's tags unwalked.
        using var source = new ActivitySource("Ordered.Tests." + _id);
        var spans = new List<Activity>();
        var options = new RedactionOptions();
        options.SensitiveKeys.Add("error.fingerprint");
        using (Build(source.Name, new AlwaysOnSampler(), spans, new Redactor(options)))
        {
            for (var i = 0; i < 3; i++)
            {
                using var span = source.StartActivity("charge");
                span!.SetTag("note", "order shipped");
                span.AddException(new TimeoutException("timed out"));
            }
        }

        Assert.Equal(3, spans.Count);
        Assert.All(spans, s =>
        {
            Assert.Equal("OPERATION_TIMEOUT", s.GetTagItem("error.code"));
            Assert.DoesNotMatch("^[0-9a-f]{16}$", s.GetTagItem("error.fingerprint") as string ?? string.Empty);
        });
    }

    [Fact]
    public void OnEnd_TagsRememberedClean_NameStillRedacted()
    {
        using var source = new ActivitySource("Ordered.Tests." + _id);
        var spans = new List<Activity>();
        using (Build(source.Name, new AlwaysOnSampler(), spans))
        {
            foreach (var name in (string[])["lookup", "lookup dave@example.com"])
            {
                using var span = source.StartActivity(name);
                span!.SetTag("note", "order shipped");
            }
        }

        Assert.Equal(["lookup", "lookup [REDACTED:email]"], spans.Select(s => s.DisplayName));
    }

    [Fact]
    public void OnEnd_SameTagInstancesAgain_SameFailureDecisionAndRedaction()
    {
        // Spans that end with the very tag instances of an earlier kept span are answered from the remembered list:
        // the status code read from it still decides the failure, and a changed value is still redacted.
        using var source = new ActivitySource("Ordered.Tests." + _id);
        var spans = new List<Activity>();
        object failed = 503;
        object ok = 200;
        using (Build(source.Name, new AlwaysOnSampler(), spans))
        {
            foreach (var (status, note) in new[] { (failed, "order shipped"), (failed, "order shipped"), (ok, "order shipped"), (ok, "order shipped"), (ok, "mail dave@example.com") })
            {
                using var span = source.StartActivity("GET /orders/{id}", ActivityKind.Server);
                span!.SetTag("http.route", "/orders/{id}");
                span.SetTag("note", note);
                span.SetTag("http.response.status_code", status);
            }
        }

        Assert.Equal(["SERVICE_UNAVAILABLE", "SERVICE_UNAVAILABLE", null, null, null], spans.Select(s => s.GetTagItem("error.code")));
        Assert.Equal(["order shipped", "order shipped", "order shipped", "order shipped", "mail [REDACTED:email]"], spans.Select(s => s.GetTagItem("note")));
        Assert.Equal(2, Count("SERVICE_UNAVAILABLE"));
    }

    [Fact]
    public void OnEnd_CodeDetectorStartsMatchingTheNameOfARememberedTagList_NameRedacted()
    {
        // A code detector need not be a pure function of the text: a name it once left alone is scanned again, even
        // on a span whose tags are a list remembered as kept.
        using var source = new ActivitySource("Ordered.Tests." + _id);
        var spans = new List<Activity>();
        var detector = new SwitchedDetector();
        var options = new RedactionOptions();
        options.Detectors.Add(detector);
        using (Build(source.Name, new AlwaysOnSampler(), spans, new Redactor(options)))
        {
            for (var i = 0; i < 3; i++)
            {
                detector.On = i == 2;
                using var span = source.StartActivity("shipped");
                span!.SetTag("http.route", "/orders/{id}");
            }
        }

        Assert.Equal(["shipped", "shipped", "[REDACTED:switched]"], spans.Select(s => s.DisplayName));
    }

    public void Dispose()
    {
        _failures.Dispose();
        _counter.Dispose();
    }

    private static ActivityContext UnsampledCaller() =>
        new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);

    private TracerProvider Build(string source, Sampler sampler, List<Activity> spans, Redactor? redactor = null)
    {
        var tracing = Sdk.CreateTracerProviderBuilder().AddSource(source).SetSampler(sampler);
        ProcessorRegistration.AddSpanProcessors(tracing, _recorder, redactor ?? new Redactor(new RedactionOptions()));
        return tracing.AddInMemoryExporter(spans).Build()!;
    }

    private long Count(string code) =>
        _failures.GetMeasurementSnapshot().Where(m => Equals(m.Tags[ErrorTelemetryAttributes.Code], code)).Sum(m => m.Value);

    private sealed class SwitchedDetector() : RedactionDetector("switched")
    {
        public volatile bool On;

        public override bool CanMatch(ReadOnlySpan<char> text) => On;

        public override bool TryFind(ReadOnlySpan<char> text, int startAt, out int index, out int length)
        {
            index = On ? startAt : -1;
            length = text.Length - startAt;
            return On && length > 0;
        }
    }
}
