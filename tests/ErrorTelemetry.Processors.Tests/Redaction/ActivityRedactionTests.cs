using System.Diagnostics;
using ErrorTelemetry.Redaction.Internal;
using ErrorTelemetry.Tests.TestSupport;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Tests.Redaction;

public class ActivityRedactionTests
{
    private static (SpanSnapshot Span, RedactingActivityProcessor Processor) Export(Redactor redactor, Func<ActivitySource, Activity?> create, int repeat = 1)
    {
        using var source = new ActivitySource("ErrorTelemetry.Tests.Redaction." + Guid.NewGuid().ToString("N"));
        var exporter = new InMemoryExporter<Activity, SpanSnapshot>(SpanSnapshot.From);
        var processor = new RedactingActivityProcessor(redactor);
        using var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .SetSampler(new AlwaysOnSampler())
            .AddProcessor(processor)
            .AddProcessor(new SimpleActivityExportProcessor(exporter))
            .Build()!;

        for (var i = 0; i < repeat; i++)
        {
            create(source)?.Dispose();
        }

        provider.ForceFlush();
        return (exporter.Items[^1], processor);
    }

    [Fact]
    public void Redact_LeakCorpusSpan_NoSecretReachesExporter()
    {
        var link = new ActivityLink(
            new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded),
            new ActivityTagsCollection { ["session.id"] = "sess-secret-1", ["link.reason"] = "batch" });
        string? traceId = null;

        var (span, _) = Export(TestRedactors.WithKey, source =>
        {
            var activity = source.StartActivity("GET /orders?api_key=abcd1234efgh", ActivityKind.Server, default(ActivityContext), links: [link])!;
            traceId = activity.TraceId.ToString();
            activity.SetTag("http.request.header.authorization", "Bearer " + JwtDetectorTests.Jwt);
            activity.SetTag("url.full", "https://api.example.com/orders?token=s3cr3tT0ken&page=2");
            activity.SetTag("enduser.id", "user-8812");
            activity.SetTag("http.route", "/orders");
            activity.SetTag("trace_id", traceId);
            activity.SetTag("db.statement", "SELECT * FROM cards WHERE pan = '4111 1111 1111 1111'");
            activity.AddTag("db.statement", "duplicate for dave@example.com");
            activity.SetTag("http.response.status_code", 500);
            activity.AddException(new InvalidOperationException("Customer bob@example.com not found; Server=db;User Id=app;Password=Hunter2!;"));
            activity.AddEvent(new ActivityEvent("retry", tags: new ActivityTagsCollection { ["note"] = "mail alice@example.com", ["attempt"] = 2 }));
            activity.SetStatus(ActivityStatusCode.Error, "Payment with card 4111111111111111 failed");
            return activity;
        });

        foreach (var secret in new[] { JwtDetectorTests.Jwt, "eyJ", "s3cr3tT0ken", "user-8812", "4111", "bob@example.com", "alice@example.com", "dave@example.com", "Hunter2!", "sess-secret-1", "abcd1234efgh" })
        {
            Assert.DoesNotContain(secret, span.Text, StringComparison.Ordinal);
        }

        foreach (var context in new[]
        {
            "name=GET /orders?api_key=[REDACTED]",
            "tag http.request.header.authorization=[REDACTED:authorization]",
            "tag url.full=https://api.example.com/orders?token=[REDACTED]&page=2",
            "tag enduser.id=pseu_",
            "tag http.route=/orders",
            $"tag trace_id={traceId}",
            "tag db.statement=SELECT * FROM cards WHERE pan = '[REDACTED:card]'",
            "tag db.statement=duplicate for [REDACTED:email]",
            "tag http.response.status_code=500",
            "event exception",
            "exception.type=System.InvalidOperationException",
            "exception.message=Customer [REDACTED:email] not found; Server=db;User Id=app;Password=[REDACTED:password];",
            "event retry",
            "attempt=2",
            "note=mail [REDACTED:email]",
            "status=Error Payment with card [REDACTED:card] failed",
            "session.id=[REDACTED:session]",
            "link.reason=batch",
        })
        {
            Assert.Contains(context, span.Text, StringComparison.Ordinal);
        }

        Assert.Equal(traceId, span.TraceId);
    }

    [Fact]
    public void Redact_CleanSpan_UnchangedAndAllocatesNothing()
    {
        var (span, processor) = Export(TestRedactors.Default, source =>
        {
            var activity = source.StartActivity("GET /orders/{id}", ActivityKind.Server)!;
            activity.SetTag("http.request.method", "GET");
            activity.SetTag("http.route", "/orders/{id}");
            activity.SetTag("url.full", "https://api.example.com/orders/42?page=2");
            activity.SetTag("http.response.status_code", 200);
            activity.SetTag("order.id", "3f2504e0-4f89-11d3-9a0c-0305e82c3301");
            return activity;
        }, repeat: 200);

        Assert.Equal(0, processor.LastAllocatedBytes);
        Assert.Equal(
            [
                new("http.request.method", "GET"),
                new("http.route", "/orders/{id}"),
                new("url.full", "https://api.example.com/orders/42?page=2"),
                new("http.response.status_code", "200"),
                new("order.id", "3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
            ],
            span.Tags);
        Assert.Equal("GET /orders/{id}", span.Name);
    }

    [Fact]
    public void Redact_SecretUnderKeyWhoseLastValueWasClean_Redacted()
    {
        // The same clean value under a key is remembered; a different value under that key must be scanned again.
        var spans = 0;
        var (span, _) = Export(TestRedactors.Default, source =>
        {
            var activity = source.StartActivity("GET /orders/{id}", ActivityKind.Server)!;
            activity.SetTag("http.route", "/orders/{id}");
            activity.SetTag("db.statement", ++spans < 50 ? "SELECT * FROM orders WHERE id = @id" : "SELECT * FROM users WHERE email = 'dave@example.com'");
            return activity;
        }, repeat: 50);

        Assert.Equal(
            [
                new("http.route", "/orders/{id}"),
                new("db.statement", "SELECT * FROM users WHERE email = '[REDACTED:email]'"),
            ],
            span.Tags);
    }

    [Fact]
    public void Redact_ObjectValueUnderKeyWhoseLastValueWasClean_Redacted()
    {
        // The remembered clean value is compared by reference: a value of another type under that key is scanned.
        var spans = 0;
        var (span, _) = Export(TestRedactors.Default, source =>
        {
            var activity = source.StartActivity("op")!;
            activity.SetTag("note", ++spans < 50 ? "all good" : new Uri("mailto:dave@example.com"));
            return activity;
        }, repeat: 50);

        Assert.DoesNotContain("dave@example.com", span.Text, StringComparison.Ordinal);
        Assert.Contains("tag note=mailto:[REDACTED:email]", span.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_LinkOnSpanWithoutEvents_SecretRedacted()
    {
        var link = new ActivityLink(
            new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded),
            new ActivityTagsCollection { ["note"] = "mail alice@example.com" });

        var (span, _) = Export(TestRedactors.Default, source => source.StartActivity("op", ActivityKind.Internal, default(ActivityContext), links: [link]));

        Assert.DoesNotContain("alice@example.com", span.Text, StringComparison.Ordinal);
        Assert.Contains("note=mail [REDACTED:email]", span.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_EventOnSpanWithoutLinks_SecretRedacted()
    {
        var (span, _) = Export(TestRedactors.Default, source =>
        {
            var activity = source.StartActivity("op")!;
            activity.AddEvent(new ActivityEvent("retry", tags: new ActivityTagsCollection { ["note"] = "mail alice@example.com" }));
            return activity;
        });

        Assert.DoesNotContain("alice@example.com", span.Text, StringComparison.Ordinal);
        Assert.Contains("note=mail [REDACTED:email]", span.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_ExceptionTextAnotherRedactorKept_ScannedAgain()
    {
        // Another pipeline in the process recorded the exception, and its redactor (here one that removes nothing)
        // kept the text as it is: this redactor must still find the secret in that very text.
        var exception = TestExceptions.Thrown(new InvalidOperationException("Order for alice@example.com failed"));
        var facts = ErrorTelemetry.Failures.Internal.ExceptionFacts.Of(exception);
        var kept = ErrorTelemetry.Failures.Internal.ExceptionText.Redacted(exception, facts, static text => text);

        var (span, _) = Export(TestRedactors.Default, source =>
        {
            var activity = source.StartActivity("op")!;
            ErrorTelemetry.Failures.Internal.SpanFailure.For(activity).RecordException(exception, facts);
            activity.AddEvent(new ActivityEvent("exception", tags: new ActivityTagsCollection
            {
                ["exception.message"] = kept.Message,
                ["exception.stacktrace"] = kept.Text,
            }));
            return activity;
        });

        Assert.Contains("alice@example.com", kept.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("alice@example.com", span.Text, StringComparison.Ordinal);
        Assert.Contains("Order for [REDACTED:email] failed", span.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_FailClosed_UnlistedTagsDropped()
    {
        var redactor = TestRedactors.Create(o =>
        {
            o.FailClosed = true;
            o.AllowedKeys.Add("http.*");
        });

        var (span, _) = Export(redactor, source =>
        {
            var activity = source.StartActivity("op")!;
            activity.SetTag("http.route", "/orders");
            activity.SetTag("customer.name", "Bob Smith");
            activity.SetTag("error.code", "DEPENDENCY_DB_TIMEOUT");
            return activity;
        });

        Assert.Equal([new("http.route", "/orders"), new("error.code", "DEPENDENCY_DB_TIMEOUT")], span.Tags);
        Assert.DoesNotContain("Bob Smith", span.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_TagWhoseToStringThrows_ReplacedWithError()
    {
        var (span, _) = Export(TestRedactors.Default, source =>
        {
            var activity = source.StartActivity("op")!;
            activity.SetTag("payload", new ThrowingToString());
            activity.SetTag("ok", "fine");
            return activity;
        });

        Assert.Equal([new("payload", Redactor.ErrorReplacement), new("ok", "fine")], span.Tags);
    }

    private sealed class ThrowingToString
    {
        public override string ToString() => throw new InvalidOperationException("bob@example.com");
    }
}
