using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Redaction.Internal;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace ErrorTelemetry.Tests.Redaction;

// Log calls here are the leaks under test: non-constant templates, dotted placeholder names, boxed arguments.
#pragma warning disable CA2254, CA1727, CA1873
public class LogRecordRedactionTests
{
    private static readonly Action<ILogger, int, Exception?> Shipped =
        LoggerMessage.Define<int>(LogLevel.Information, new EventId(1, "Shipped"), "Order {OrderId} shipped");

    private static (IReadOnlyList<LogSnapshot> Records, RedactingLogProcessor Processor) Export(
        Redactor redactor, Action<ILogger> log, bool includeScopes = false, bool batch = false, BaseProcessor<LogRecord>? first = null)
    {
        var exporter = new InMemoryExporter<LogRecord, LogSnapshot>(LogSnapshot.From);
        var processor = new RedactingLogProcessor(redactor);
        using (var factory = LoggerFactory.Create(builder => builder.AddOpenTelemetry(options =>
        {
            options.IncludeFormattedMessage = true;
            options.IncludeScopes = includeScopes;
            if (first is not null)
            {
                options.AddProcessor(first);
            }

            options.AddProcessor(processor);
            options.AddProcessor(batch
                ? new BatchLogRecordExportProcessor(exporter)
                : new SimpleLogRecordExportProcessor(exporter));
        })))
        {
            log(factory.CreateLogger("Orders"));
        }

        return (exporter.Items, processor);
    }

    [Fact]
    public void Redact_ExceptionKeysSensitiveOrFailClosed_KeyPolicyApplies()
    {
        var failure = new TimeoutException("order 42 timed out");

        var (sensitive, _) = Export(TestRedactors.Create(o => o.SensitiveKeys.Add("exception.message")), l => l.LogError(failure, "Failed"));
        var (closed, _) = Export(TestRedactors.Create(o => o.FailClosed = true), l => l.LogError(failure, "Failed"));

        var replaced = Assert.Single(sensitive).Attribute("exception.message");
        Assert.NotNull(replaced);
        Assert.DoesNotContain("order 42", replaced, StringComparison.Ordinal);
        Assert.Contains("order 42 timed out", sensitive[0].Attribute("exception.stacktrace"), StringComparison.Ordinal);
        Assert.DoesNotContain(Assert.Single(closed).Attributes, a => a.Key is "exception.message" or "exception.stacktrace");
        Assert.False(closed[0].HasException);
        Assert.DoesNotContain("order 42", closed[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_LeakCorpusLogs_NoSecretReachesExporter()
    {
        var failure = new InvalidOperationException(
            "Customer bob@example.com not found; Server=db;User Id=app;Password=Hunter2!;",
            new TimeoutException("retry https://idp.example.com/authorize?code=authc0de&state=1"));

        var (records, _) = Export(TestRedactors.WithKey, logger =>
        {
            logger.LogInformation("Request body: {Body}", "{\"card\":\"4111 1111 1111 1111\",\"name\":\"Bob\"}");
            logger.LogError(failure, "Order {OrderId} failed", 42);
            logger.LogInformation("Got {Token} from the identity provider", JwtDetectorTests.Jwt);
            logger.LogInformation("Calling {Url}", "https://api.example.com/orders?token=s3cr3tT0ken&page=2");
            logger.LogWarning("Login with password {Password} for {User}", "Hunter3!", "bob");
            logger.LogInformation("Authorization: Bearer {Value}", "abc123def456ghi789");
            logger.LogInformation($"Mail sent to carol@example.com for order {7}");
            logger.LogInformation("User {user.id} signed in", "user-8812");
        });

        Assert.Equal(8, records.Count);
        var all = string.Join("\n", records.Select(r => r.Text));
        foreach (var secret in new[]
        {
            "4111", "bob@example.com", "Hunter2!", "authc0de", JwtDetectorTests.Jwt, "eyJ", "s3cr3tT0ken", "Hunter3!",
            "abc123def456ghi789", "carol@example.com", "user-8812",
        })
        {
            Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
        }

        Assert.Equal("Request body: {\"card\":\"[REDACTED:card]\",\"name\":\"Bob\"}", records[0].FormattedMessage);
        Assert.Equal("Request body: {Body}", records[0].Body);

        var error = records[1];
        Assert.False(error.HasException);
        Assert.Equal("Order 42 failed", error.FormattedMessage);
        Assert.Equal("42", error.Attribute("OrderId"));
        Assert.Equal("System.InvalidOperationException", error.Attribute("exception.type"));
        Assert.Equal("Customer [REDACTED:email] not found; Server=db;User Id=app;Password=[REDACTED:password];", error.Attribute("exception.message"));
        Assert.Contains("System.TimeoutException: retry https://idp.example.com/authorize?code=[REDACTED]&state=1", error.Attribute("exception.stacktrace"), StringComparison.Ordinal);

        Assert.Equal("Got [REDACTED:token] from the identity provider", records[2].FormattedMessage);
        Assert.Equal("Calling https://api.example.com/orders?token=[REDACTED]&page=2", records[3].FormattedMessage);
        Assert.Equal("Login with password [REDACTED:password] for bob", records[4].FormattedMessage);
        Assert.Equal("[REDACTED:password]", records[4].Attribute("Password"));
        Assert.Equal("bob", records[4].Attribute("User"));
        Assert.Equal("[REDACTED]", records[5].Attribute("Value"));
        Assert.Equal("Mail sent to [REDACTED:email] for order 7", records[6].Body);
        Assert.StartsWith("pseu_", records[7].Attribute("user.id"), StringComparison.Ordinal);
        Assert.StartsWith("User pseu_", records[7].FormattedMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_CleanRecords_UnchangedAndAllocateNothing()
    {
        var (records, processor) = Export(TestRedactors.Default, logger =>
        {
            for (var i = 0; i < 300; i++)
            {
                logger.LogInformation("Order {OrderId} shipped to {City} in {ElapsedMs} ms (trace {TraceId})", 42, "Berlin", 12.5, "4bf92f3577b34da6a3ce929d0e0e4736");
            }
        });

        var last = records[^1];
        Assert.Equal("Order 42 shipped to Berlin in 12.5 ms (trace 4bf92f3577b34da6a3ce929d0e0e4736)", last.FormattedMessage);
        Assert.Equal("Order {OrderId} shipped to {City} in {ElapsedMs} ms (trace {TraceId})", last.Body);
        Assert.Equal("Berlin", last.Attribute("City"));
        Assert.Equal(0, processor.AllocatedBytes.Skip(100).Min());
    }

    [Fact]
    public void Redact_TemplateWithSecretRepeated_BodyRedactedEveryTime()
    {
        var (records, _) = Export(TestRedactors.Default, logger =>
        {
            for (var i = 0; i < 3; i++)
            {
                logger.LogInformation("Escalated {OrderId} to ops@example.com", i);
            }
        });

        Assert.Equal(3, records.Count);
        Assert.All(records, static r => Assert.Equal("Escalated {OrderId} to [REDACTED:email]", r.Body));
        Assert.All(records, static r => Assert.Equal("Escalated {OrderId} to [REDACTED:email]", r.Attribute("{OriginalFormat}")));
    }

    [Fact]
    public void Redact_BodyOtherThanTheCleanTemplate_BodyScanned()
    {
        // The clean template is remembered; a body that is another string is scanned all the same.
        var (records, _) = Export(
            TestRedactors.Default,
            logger =>
            {
                for (var i = 0; i < 3; i++)
                {
                    Shipped(logger, i, null);
                }
            },
            first: new BodySetter(static (record, i) => i == 2 ? "Order shipped to carol@example.com" : record.Body));

        Assert.Equal(3, records.Count);
        Assert.Equal("Order {OrderId} shipped", records[1].Body);
        Assert.Equal("Order shipped to [REDACTED:email]", records[2].Body);
        Assert.Equal("Order {OrderId} shipped", records[2].Attribute("{OriginalFormat}"));
    }

    [Fact]
    public void Redact_CodeDetectorThatChangesItsAnswer_TemplateScannedEveryTime()
    {
        // A code detector need not be a pure function of the text, so nothing it said about a template is remembered.
        var detector = new SwitchedDetector();
        var redactor = TestRedactors.Create(o => o.Detectors.Add(detector));
        var (records, _) = Export(redactor, logger =>
        {
            Shipped(logger, 1, null);
            Shipped(logger, 2, null);
            detector.On = true;
            Shipped(logger, 3, null);
        });

        Assert.Equal(3, records.Count);
        Assert.Equal("Order {OrderId} shipped", records[1].Body);
        Assert.Equal("Order {OrderId} [REDACTED:switched]", records[2].Body);
        Assert.Equal("Order {OrderId} [REDACTED:switched]", records[2].Attribute("{OriginalFormat}"));
        Assert.DoesNotContain("shipped", records[2].Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Redact_SensitiveScopeWithoutScopeRedaction_ScopesDetachedAndRedacted(bool batch)
    {
        var (records, _) = Export(
            TestRedactors.Default,
            logger =>
            {
                using (logger.BeginScope(new Dictionary<string, object?> { ["session.id"] = "sess-secret-1", ["tenant"] = "contoso" }))
                {
                    logger.LogInformation("Scoped {Step}", 1);
                }
            },
            includeScopes: true,
            batch: batch);

        var record = Assert.Single(records);
        Assert.DoesNotContain("sess-secret-1", record.Text, StringComparison.Ordinal);
        Assert.Empty(record.Scopes);
        Assert.Equal("[REDACTED:session]", record.Attribute("session.id"));
        Assert.Equal("contoso", record.Attribute("tenant"));
        Assert.Equal("1", record.Attribute("Step"));
    }

    [Fact]
    public void Redact_CleanScope_KeptAsScope()
    {
        var (records, _) = Export(
            TestRedactors.Default,
            logger =>
            {
                using (logger.BeginScope(new Dictionary<string, object?> { ["tenant"] = "contoso" }))
                {
                    logger.LogInformation("Scoped");
                }
            },
            includeScopes: true);

        Assert.Equal([new("tenant", "contoso")], Assert.Single(records).Scopes);
    }

    [Fact]
    public void Redact_FailClosed_UnlistedAttributesDroppedAndMessageMasked()
    {
        var redactor = TestRedactors.Create(o =>
        {
            o.FailClosed = true;
            o.AllowedKeys.Add("OrderId");
        });

        var (records, _) = Export(redactor, logger => logger.LogInformation("Order {OrderId} for {Customer}", 42, "Bob Smith"));

        var record = Assert.Single(records);
        Assert.DoesNotContain("Bob Smith", record.Text, StringComparison.Ordinal);
        Assert.Equal("Order 42 for [REDACTED]", record.FormattedMessage);
        Assert.Equal(["OrderId", "{OriginalFormat}"], record.Attributes.Select(a => a.Key));
    }

    [Fact]
    public void Redact_ExceptionWhoseToStringThrows_UnreadablePartsLeftOut()
    {
        var (records, _) = Export(TestRedactors.Default, logger => logger.LogError(new HostileException(), "Boom"));

        var record = Assert.Single(records);
        Assert.DoesNotContain("bob@example.com", record.Text, StringComparison.Ordinal);
        Assert.Equal(ExceptionText.Unavailable, record.Attribute("exception.message"));
        Assert.Equal($"{typeof(HostileException).FullName}: {ExceptionText.Unavailable}", record.Attribute("exception.stacktrace"));
        Assert.Equal(typeof(HostileException).FullName, record.Attribute("exception.type"));
        Assert.False(record.HasException);
    }

    [Fact]
    public void Redact_NonStructuredState_MessageScannedAndRawStateUnreachable()
    {
        var (records, _) = Export(TestRedactors.Default, logger =>
            logger.Log(LogLevel.Information, default, new Payload("dave@example.com"), null, static (state, _) => $"payload for {state.Email}"));

        var record = Assert.Single(records);
        Assert.DoesNotContain("dave@example.com", record.Text, StringComparison.Ordinal);
        Assert.Equal("payload for [REDACTED:email]", record.FormattedMessage);
    }

    private sealed record Payload(string Email);

    private sealed class BodySetter(Func<LogRecord, int, string?> body) : BaseProcessor<LogRecord>
    {
        private int _count;

        public override void OnEnd(LogRecord data) => data.Body = body(data, _count++);
    }

    private sealed class SwitchedDetector() : RedactionDetector("switched")
    {
        public volatile bool On;

        public override bool CanMatch(ReadOnlySpan<char> text) => On;

        public override bool TryFind(ReadOnlySpan<char> text, int startAt, out int index, out int length)
        {
            index = On ? text[startAt..].IndexOf("shipped", StringComparison.Ordinal) : -1;
            length = 7;
            if (index < 0)
            {
                return false;
            }

            index += startAt;
            return true;
        }
    }

    private sealed class HostileException : Exception
    {
        public HostileException()
            : base("token for bob@example.com")
        {
        }

        public override string ToString() => throw new InvalidOperationException("no");

        public override string Message => throw new InvalidOperationException("no");
    }
}
#pragma warning restore CA2254, CA1727, CA1873
