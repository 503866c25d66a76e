using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using ErrorTelemetry.Classification.Internal;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Redaction.Internal;
using TestRedactors = ErrorTelemetry.Tests.Redaction.TestRedactors;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Tests.Failures;

public sealed class ExceptionTextTests : IDisposable
{
    private readonly ActivitySource _source = new("ErrorTelemetry.Tests.ExceptionText." + Guid.NewGuid().ToString("N"));
    private readonly FailureCounter _counter = new(100, meterName: "ErrorTelemetry.Tests.ExceptionText." + Guid.NewGuid().ToString("N"));
    private readonly InMemoryExporter<Activity, SpanSnapshot> _spans = new(SpanSnapshot.From);
    private readonly InMemoryExporter<LogRecord, LogSnapshot> _logs = new(LogSnapshot.From);
    private readonly TracerProvider _tracing;
    private readonly ILoggerFactory _logging;

    public ExceptionTextTests()
    {
        var recorder = new FailureRecorder(new ExceptionClassifier(new ErrorCatalog(BuiltInErrors.All())), _counter);
        var redactor = TestRedactors.Default;
        _tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(_source.Name)
            .AddProcessor(new ErrorSpanProcessor(recorder, redactExceptionText: redactor.Redact))
            .AddProcessor(new SimpleActivityExportProcessor(_spans))
            .Build();
        _logging = LoggerFactory.Create(b => b.AddOpenTelemetry(o =>
        {
            o.AddProcessor(new ErrorLogProcessor(recorder));
            o.AddProcessor(new RedactionLogProcessor(redactor));
            o.AddProcessor(new SimpleLogRecordExportProcessor(_logs));
        }));
    }

    [Fact]
    public void Failure_ExceptionWhoseGettersThrow_SpanAndLogStillCarryTheCode()
    {
        var exception = new HostileException();
        using var events = new ReadFailures();

        using (var activity = _source.StartActivity("checkout"))
        {
            activity!.AddException(exception);
        }

        _logging.CreateLogger("Orders").LogError(exception, "Checkout failed");

        var span = Assert.Single(_spans.Items);
        var log = Assert.Single(_logs.Items);
        Assert.Equal("UNCLASSIFIED", span.Tag(ErrorTelemetryAttributes.Code));
        Assert.Equal("UNCLASSIFIED", log.Attribute(ErrorTelemetryAttributes.Code));
        var (_, eventTags) = Assert.Single(span.Events, e => e.Name == "exception");
        Assert.Equal(ExceptionText.Unavailable, eventTags["exception.message"]);
        Assert.StartsWith(typeof(HostileException).FullName!, (string)eventTags["exception.stacktrace"]!, StringComparison.Ordinal);
        Assert.Equal(eventTags["exception.stacktrace"], log.Attribute("exception.stacktrace"));
        Assert.Contains(nameof(Exception.Message), events.Members);
        Assert.Contains(nameof(Exception.ToString), events.Members);
        Assert.Contains(nameof(Exception.Data), events.Members);
    }

    [Fact]
    public void Failure_SameExceptionOnSpanAndLog_RenderedOnce()
    {
        var exception = TestExceptions.Thrown(new CountingException("order 42 for bob@example.com"));

        using (var activity = _source.StartActivity("checkout"))
        {
            activity!.AddException(exception);
        }

        _logging.CreateLogger("Orders").LogError(exception, "Checkout failed");
        _logging.CreateLogger("Orders").LogError(exception, "Checkout failed again");

        Assert.Equal(1, exception.ToStringCalls);
        var (_, eventTags) = Assert.Single(Assert.Single(_spans.Items).Events, e => e.Name == "exception");
        Assert.Contains("[REDACTED:email]", (string)eventTags["exception.stacktrace"]!, StringComparison.Ordinal);
        Assert.All(_logs.Items, log => Assert.Equal(eventTags["exception.stacktrace"], log.Attribute("exception.stacktrace")));
    }

    [Fact]
    public void Failure_SameExceptionLoggedThenOnSpan_RenderedOnceRedactedInBoth()
    {
        var exception = TestExceptions.Thrown(new CountingException("order 42 for bob@example.com"));

        _logging.CreateLogger("Orders").LogError(exception, "Checkout failed");
        using (var activity = _source.StartActivity("checkout"))
        {
            activity!.AddException(exception);
        }

        Assert.Equal(1, exception.ToStringCalls);
        var span = Assert.Single(_spans.Items);
        var log = Assert.Single(_logs.Items);
        Assert.DoesNotContain("bob@example.com", span.Dump(), StringComparison.Ordinal);
        Assert.DoesNotContain("bob@example.com", log.Dump(), StringComparison.Ordinal);
        var (_, eventTags) = Assert.Single(span.Events, e => e.Name == "exception");
        Assert.Contains("[REDACTED:email]", (string)eventTags["exception.stacktrace"]!, StringComparison.Ordinal);
        Assert.Equal(eventTags["exception.stacktrace"], log.Attribute("exception.stacktrace"));
        Assert.Equal(eventTags["exception.message"], log.Attribute("exception.message"));
    }

    [Fact]
    public void Failure_MessageChangedAfterFirstRender_TheNewSecretReachesNoExporter()
    {
        var exception = TestExceptions.Thrown(new MutableException("order 42 failed"));
        using (var activity = _source.StartActivity("checkout"))
        {
            activity!.AddException(exception);
        }

        exception.Text = "order 42 failed for bob@example.com, card 4111 1111 1111 1111";
        _logging.CreateLogger("Orders").LogError(exception, "Checkout failed");
        using (var activity = _source.StartActivity("retry"))
        {
            activity!.AddException(exception);
        }

        Assert.Equal(2, _spans.Items.Count);
        var log = Assert.Single(_logs.Items);
        Assert.All(_spans.Items, span => Assert.DoesNotContain("bob@example.com", span.Dump(), StringComparison.Ordinal));
        Assert.All(_spans.Items, span => Assert.DoesNotContain("4111 1111", span.Dump(), StringComparison.Ordinal));
        Assert.DoesNotContain("bob@example.com", log.Dump(), StringComparison.Ordinal);
        Assert.DoesNotContain("4111 1111", log.Dump(), StringComparison.Ordinal);
    }

    [Fact]
    public void Failure_DifferentExceptionsWithSameText_EachRenderedAndRedacted()
    {
        var first = TestExceptions.Thrown(new CountingException("order 42 for bob@example.com"));
        var second = TestExceptions.Thrown(new CountingException("order 42 for bob@example.com"));

        using (var activity = _source.StartActivity("checkout"))
        {
            activity!.AddException(first);
        }

        _logging.CreateLogger("Orders").LogError(second, "Checkout failed");
        _logging.CreateLogger("Orders").LogError(first, "Checkout failed");

        Assert.Equal(1, first.ToStringCalls);
        Assert.Equal(1, second.ToStringCalls);
        Assert.Equal(2, _logs.Items.Count);
        Assert.All(_logs.Items, log =>
        {
            Assert.DoesNotContain("bob@example.com", log.Dump(), StringComparison.Ordinal);
            Assert.Contains("[REDACTED:email]", (string)log.Attribute("exception.message")!, StringComparison.Ordinal);
        });
        Assert.DoesNotContain("bob@example.com", Assert.Single(_spans.Items).Dump(), StringComparison.Ordinal);
    }

    [Fact]
    public void Raw_UnthrownExceptionsThatPrintAlike_ShareOneTextAnotherMessageGetsItsOwn()
    {
        // Tests running in parallel render exceptions too and may take the last-rendered slot in between: a few tries.
        var shared = false;
        for (var attempt = 0; attempt < 20 && !shared; attempt++)
        {
            var first = new TimeoutException("The database did not answer within 30 seconds.");
            var again = new TimeoutException("The database did not answer within 30 seconds.");
            var other = new TimeoutException("The cache did not answer within 30 seconds.");

            var firstText = ExceptionText.Raw(first);
            var againText = ExceptionText.Raw(again);
            var otherText = ExceptionText.Raw(other);

            Assert.Equal((again.Message, again.ToString()), (againText.Message, againText.Text));
            Assert.Equal((other.Message, other.ToString()), (otherText.Message, otherText.Text));
            shared = ReferenceEquals(firstText, againText);
        }

        Assert.True(shared);
    }

    [Fact]
    public void Raw_DeepInnerChain_RenderedBoundedWithMarker()
    {
        Exception chain = new InvalidOperationException("root cause");
        for (var i = 0; i < 10_000; i++)
        {
            chain = new InvalidOperationException("level " + i, chain);
        }

        var text = ExceptionText.Raw(chain).Text;

        Assert.Contains($"[inner exceptions beyond {ExceptionText.MaxDepth} omitted]", text, StringComparison.Ordinal);
        Assert.DoesNotContain("root cause", text, StringComparison.Ordinal);
        Assert.True(text.Length <= ExceptionText.MaxLength + ExceptionText.TruncatedMarker.Length);
        Assert.Same(text, ExceptionText.Raw(chain).Text);
    }

    [Fact]
    public void Raw_ShallowChain_PrintsAsToString()
    {
        var exception = TestExceptions.Thrown(new InvalidOperationException("outer", new TimeoutException("inner")));

        Assert.Equal(exception.ToString(), ExceptionText.Raw(exception).Text);
    }

    [Fact]
    public void Raw_LongMessage_CutWithMarker()
    {
        var text = ExceptionText.Raw(new InvalidOperationException(new string('x', ExceptionText.MaxLength * 2))).Text;

        Assert.Equal(ExceptionText.MaxLength + ExceptionText.TruncatedMarker.Length, text.Length);
        Assert.EndsWith(ExceptionText.TruncatedMarker, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Redacted_TwoRedactorsInTurn_EachGetsItsOwnTextOnceEach()
    {
        // A redactor that finds the text clean is remembered without a copy of the text: it must not answer for another.
        var exception = TestExceptions.Thrown(new InvalidOperationException("Order for bob@example.com failed"));
        var keeping = new CountingRedactor(text => text);
        var masking = new CountingRedactor(text => text.Replace("bob@example.com", "[email]", StringComparison.Ordinal));

        var kept = ExceptionText.Redacted(exception, keeping.Redact);
        var keptAgain = ExceptionText.Redacted(exception, keeping.Redact);
        var masked = ExceptionText.Redacted(exception, masking.Redact);
        var maskedAgain = ExceptionText.Redacted(exception, masking.Redact);
        var maskedKept = ExceptionText.RedactedOrNull(exception, masking);
        var keepingAfterMasking = ExceptionText.RedactedOrNull(exception, keeping);
        var keptAfterMasking = ExceptionText.Redacted(exception, keeping.Redact);

        Assert.Same(ExceptionText.Raw(exception), kept);
        Assert.Same(kept, keptAgain);
        Assert.Equal("Order for [email] failed", masked.Message);
        Assert.DoesNotContain("bob@example.com", masked.Text, StringComparison.Ordinal);
        Assert.Same(masked, maskedAgain);
        Assert.Same(masked, maskedKept);
        Assert.Null(keepingAfterMasking);
        Assert.Same(kept, keptAfterMasking);
        Assert.Same(kept, ExceptionText.RedactedOrNull(exception, keeping));
        Assert.Null(ExceptionText.RedactedOrNull(exception, masking));
        Assert.Equal(4, keeping.Calls);
        Assert.Equal(2, masking.Calls);
    }

    public void Dispose()
    {
        _tracing.Dispose();
        _logging.Dispose();
        _counter.Dispose();
        _source.Dispose();
    }

    private sealed class CountingRedactor(Func<string, string> redact)
    {
        public int Calls { get; private set; }

        public string Redact(string text)
        {
            Calls++;
            return redact(text);
        }
    }

    private sealed class CountingException(string message) : Exception(message)
    {
        public int ToStringCalls { get; private set; }

        public override string ToString()
        {
            ToStringCalls++;
            return base.ToString();
        }
    }

    private sealed class MutableException(string text) : Exception
    {
        public string Text { get; set; } = text;

        public override string Message => Text;
    }

    /// <summary>Collects the members named by ErrorTelemetry's "exception read failed" event (id 8).</summary>
    private sealed class ReadFailures : EventListener
    {
        public ConcurrentBag<string> Members { get; } = [];

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "ErrorTelemetry")
            {
                EnableEvents(eventSource, EventLevel.Warning);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventId == 8 && eventData.Payload is [string member, ..])
            {
                Members.Add(member);
            }
        }
    }

    private sealed class HostileException : Exception
    {
        public override string Message => throw new InvalidOperationException("Message");

        public override string? StackTrace => throw new InvalidOperationException("StackTrace");

        public override IDictionary Data => throw new InvalidOperationException("Data");

        public override string ToString() => throw new InvalidOperationException("ToString");
    }
}
