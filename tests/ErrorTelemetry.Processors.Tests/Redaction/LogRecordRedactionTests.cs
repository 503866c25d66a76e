using ErrorTelemetry.Classification.Internal;
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

    private static readonly Action<ILogger, int, Exception?> OrderFailed =
        LoggerMessage.Define<int>(LogLevel.Error, new EventId(2, "OrderFailed"), "Order {OrderId} failed");

    private static readonly Action<ILogger, string, Exception?> MailFailed =
        LoggerMessage.Define<string>(LogLevel.Error, new EventId(3, "MailFailed"), "Mail to {Recipient} failed");

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

    // Error records as a host exports them: the failure processor ahead of redaction.
    private static IReadOnlyList<LogSnapshot> ExportErrors(
        Redactor redactor, Action<ILogger> log, Func<ErrorLogProcessor, BaseProcessor<LogRecord>>? wrap = null)
    {
        using var counter = new FailureCounter(100, meterName: "ErrorTelemetry.Tests.LogRecordRedaction." + Guid.NewGuid().ToString("N"));
        var recorder = new FailureRecorder(new ExceptionClassifier(new ErrorCatalog(BuiltInErrors.All())), counter);
        var enrichment = new ErrorLogProcessor(recorder);
        return Export(redactor, log, first: wrap is null ? enrichment : wrap(enrichment)).Records;
    }

    [Fact]
    public void Redact_EnrichedListChangedBeforeRedaction_AddedSecretRedacted()
    {
        // Nothing runs between enrichment and redaction in a host; if something did change the list, its parts would
        // no longer describe it, and it is redacted pair by pair.
        var records = ExportErrors(
            TestRedactors.Default,
            logger =>
            {
                OrderFailed(logger, 1, new TimeoutException("slow"));
                OrderFailed(logger, 2, new TimeoutException("slow"));
            },
            enrichment => new EnrichThenInsert(enrichment));

        Assert.All(records, r =>
        {
            Assert.Equal("[REDACTED:email]", r.Attribute("contact"));
            Assert.Equal("OPERATION_TIMEOUT", r.Attribute("error.code"));
            Assert.DoesNotContain("bob@example.com", r.Text, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Redact_CleanErrorRecordsOfOneCode_EveryAttributeExportedInOrder()
    {
        var records = ExportErrors(TestRedactors.Default, logger =>
        {
            for (var i = 0; i < 3; i++)
            {
                OrderFailed(logger, 42, new TimeoutException("The database did not answer."));
            }
        });

        Assert.Equal(3, records.Count);
        foreach (var record in records)
        {
            Assert.Equal(
                [
                    "OrderId", "{OriginalFormat}", "error.code", "error.type", "error.category", "error.severity",
                    "error.fingerprint", "error.retryable", "exception.type", "exception.message", "exception.stacktrace",
                ],
                record.Attributes.Select(a => a.Key));
            Assert.Equal("42", record.Attribute("OrderId"));
            Assert.Equal("Order {OrderId} failed", record.Attribute("{OriginalFormat}"));
            Assert.Equal("OPERATION_TIMEOUT", record.Attribute("error.code"));
            Assert.Equal("OPERATION_TIMEOUT", record.Attribute("error.type"));
            Assert.Equal("timeout", record.Attribute("error.category"));
            Assert.Equal(records[0].Attribute("error.fingerprint"), record.Attribute("error.fingerprint"));
            Assert.Equal("System.TimeoutException", record.Attribute("exception.type"));
            Assert.Equal("The database did not answer.", record.Attribute("exception.message"));
            Assert.Equal("System.TimeoutException: The database did not answer.", record.Attribute("exception.stacktrace"));
            Assert.Equal("Order {OrderId} failed", record.Body);
            Assert.Equal("Order 42 failed", record.FormattedMessage);
            Assert.False(record.HasException);
        }
    }

    [Fact]
    public void Redact_ErrorAttributeUnderSensitiveKey_ReplacedOnEveryRecordOfThatRedactor()
    {
        // What one redactor found clean about a code's attributes is not taken as another redactor's answer.
        var sensitive = TestRedactors.Create(o => o.SensitiveKeys.Add("error.category"));
        var before = ExportErrors(sensitive, logger => OrderFailed(logger, 1, new TimeoutException("slow")));
        var plain = ExportErrors(TestRedactors.Default, logger =>
        {
            OrderFailed(logger, 2, new TimeoutException("slow"));
            OrderFailed(logger, 3, new TimeoutException("slow"));
        });
        var after = ExportErrors(sensitive, logger =>
        {
            OrderFailed(logger, 4, new TimeoutException("slow"));
            OrderFailed(logger, 5, new TimeoutException("slow"));
        });

        Assert.All(plain, r => Assert.Equal("timeout", r.Attribute("error.category")));
        Assert.All([.. before, .. after], r =>
        {
            Assert.StartsWith("[REDACTED", r.Attribute("error.category"), StringComparison.Ordinal);
            Assert.Equal("OPERATION_TIMEOUT", r.Attribute("error.code"));
            Assert.Equal("slow", r.Attribute("exception.message"));
        });
    }

    [Fact]
    public void Redact_ExceptionKeySensitiveForOneRedactor_ReplacedOnlyForThatRedactor()
    {
        var sensitive = TestRedactors.Create(o => o.SensitiveKeys.Add("exception.message"));
        var plain = ExportErrors(TestRedactors.Default, logger => OrderFailed(logger, 1, new TimeoutException("order 1 timed out")));
        var replaced = ExportErrors(sensitive, logger => OrderFailed(logger, 2, new TimeoutException("order 2 timed out")));
        var plainAgain = ExportErrors(TestRedactors.Default, logger => OrderFailed(logger, 3, new TimeoutException("order 3 timed out")));

        Assert.Equal("order 1 timed out", Assert.Single(plain).Attribute("exception.message"));
        Assert.Equal("order 3 timed out", Assert.Single(plainAgain).Attribute("exception.message"));
        Assert.StartsWith("[REDACTED", Assert.Single(replaced).Attribute("exception.message"), StringComparison.Ordinal);
        Assert.Equal("System.TimeoutException", replaced[0].Attribute("exception.type"));
        Assert.Contains("order 2 timed out", replaced[0].Attribute("exception.stacktrace"), StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_ErrorRecordWithSecretArgument_ArgumentRedactedErrorAttributesKept()
    {
        var records = ExportErrors(TestRedactors.Default, logger =>
        {
            MailFailed(logger, "the night shift", new TimeoutException("slow"));
            MailFailed(logger, "bob@example.com", new TimeoutException("slow"));
        });

        Assert.Equal("the night shift", records[0].Attribute("Recipient"));
        Assert.Equal("[REDACTED:email]", records[1].Attribute("Recipient"));
        Assert.Equal("Mail to [REDACTED:email] failed", records[1].FormattedMessage);
        Assert.DoesNotContain("bob@example.com", records[1].Text, StringComparison.Ordinal);
        Assert.Equal(records[0].Attributes.Select(a => a.Key), records[1].Attributes.Select(a => a.Key));
        Assert.Equal("OPERATION_TIMEOUT", records[1].Attribute("error.code"));
        Assert.Equal("slow", records[1].Attribute("exception.message"));
    }

    [Fact]
    public void Redact_ExceptionContextWithSecret_RedactedOnEveryRecord()
    {
        var records = ExportErrors(TestRedactors.Default, logger =>
        {
            OrderFailed(logger, 1, new TimeoutException("slow").WithContext("shift", "night"));
            for (var i = 0; i < 2; i++)
            {
                OrderFailed(logger, 2, new TimeoutException("slow").WithContext("customer", "bob@example.com"));
            }
        });

        Assert.Equal("night", records[0].Attribute("error.context.shift"));
        Assert.All(records.Skip(1), r =>
        {
            Assert.Equal("[REDACTED:email]", r.Attribute("error.context.customer"));
            Assert.Equal("OPERATION_TIMEOUT", r.Attribute("error.code"));
            Assert.DoesNotContain("bob@example.com", r.Text, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Redact_CodeDetectorThatStartsMatchingAnErrorCode_CodeRedactedFromThen()
    {
        // A code detector need not be a pure function of the text, so a code it once left alone is scanned again
        // (error attributes are scanned once "error.*" is no longer preserved).
        var detector = new SwitchedDetector("OPERATION_TIMEOUT");
        var redactor = TestRedactors.Create(o =>
        {
            o.PreservedKeys.Remove("error.*");
            o.Detectors.Add(detector);
        });
        var records = ExportErrors(redactor, logger =>
        {
            OrderFailed(logger, 1, new TimeoutException("slow"));
            OrderFailed(logger, 2, new TimeoutException("slow"));
            detector.On = true;
            OrderFailed(logger, 3, new TimeoutException("slow"));
        });

        Assert.Equal("OPERATION_TIMEOUT", records[1].Attribute("error.code"));
        Assert.Equal("[REDACTED:switched]", records[2].Attribute("error.code"));
        Assert.Equal("[REDACTED:switched]", records[2].Attribute("error.type"));
        Assert.DoesNotContain("OPERATION_TIMEOUT", records[2].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_CodeDetectorThatStartsMatchingAnExceptionText_TextRedactedFromThen()
    {
        // Exceptions that print alike share their rendering; a code detector's answer about it is not kept.
        var detector = new SwitchedDetector("did not answer");
        var redactor = TestRedactors.Create(o => o.Detectors.Add(detector));
        var records = ExportErrors(redactor, logger =>
        {
            OrderFailed(logger, 1, new TimeoutException("The database did not answer within 30 seconds."));
            OrderFailed(logger, 2, new TimeoutException("The database did not answer within 30 seconds."));
            detector.On = true;
            OrderFailed(logger, 3, new TimeoutException("The database did not answer within 30 seconds."));
        });

        Assert.Equal("The database did not answer within 30 seconds.", records[1].Attribute("exception.message"));
        Assert.Equal("The database [REDACTED:switched] within 30 seconds.", records[2].Attribute("exception.message"));
        Assert.DoesNotContain("did not answer", records[2].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_ExceptionsThatPrintAlike_EachRedactorDecidesForItself()
    {
        // One pipeline's redactor keeps e-mail addresses; what it found clean must not answer for another's.
        var keepsEmails = TestRedactors.Create(o => o.DisabledDetectors.Add("email"));
        const string Message = "Order for bob@example.com failed";

        var kept = ExportErrors(keepsEmails, logger =>
        {
            OrderFailed(logger, 1, new InvalidOperationException(Message));
            OrderFailed(logger, 2, new InvalidOperationException(Message));
        });
        var redacted = ExportErrors(TestRedactors.Default, logger =>
        {
            OrderFailed(logger, 3, new InvalidOperationException(Message));
            OrderFailed(logger, 4, new InvalidOperationException(Message));
        });
        var keptAgain = ExportErrors(keepsEmails, logger => OrderFailed(logger, 5, new InvalidOperationException(Message)));

        Assert.All(kept.Concat(keptAgain), r => Assert.Equal(Message, r.Attribute("exception.message")));
        Assert.All(kept.Concat(keptAgain), r => Assert.Equal("System.InvalidOperationException: " + Message, r.Attribute("exception.stacktrace")));
        Assert.Equal(2, redacted.Count);
        Assert.All(redacted, r =>
        {
            Assert.Equal("Order for [REDACTED:email] failed", r.Attribute("exception.message"));
            Assert.DoesNotContain("bob@example.com", r.Text, StringComparison.Ordinal);
        });
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
    public void Redact_SensitiveScopeAfterRecordsWithoutScopes_ScopesDetachedAndRedacted()
    {
        LogRecordRedaction.ForgetScopesSeen();
        var (records, _) = Export(
            TestRedactors.Default,
            logger =>
            {
                for (var i = 0; i < 5; i++)
                {
                    Shipped(logger, i, null);
                }

                using (logger.BeginScope(new Dictionary<string, object?> { ["session.id"] = "sess-secret-2" }))
                {
                    Shipped(logger, 5, null);
                }
            },
            includeScopes: true);

        Assert.Equal(6, records.Count);
        Assert.All(records, r => Assert.DoesNotContain("sess-secret-2", r.Text, StringComparison.Ordinal));
        Assert.Empty(records[5].Scopes);
        Assert.Equal("[REDACTED:session]", records[5].Attribute("session.id"));
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

    private sealed class EnrichThenInsert(ErrorLogProcessor enrichment) : BaseProcessor<LogRecord>
    {
        public override void OnEnd(LogRecord data)
        {
            enrichment.OnEnd(data);
            ((List<KeyValuePair<string, object?>>)data.Attributes!).Insert(0, new("contact", "bob@example.com"));
        }
    }

    private sealed class SwitchedDetector(string word = "shipped") : RedactionDetector("switched")
    {
        public volatile bool On;

        public override bool CanMatch(ReadOnlySpan<char> text) => On;

        public override bool TryFind(ReadOnlySpan<char> text, int startAt, out int index, out int length)
        {
            index = On ? text[startAt..].IndexOf(word, StringComparison.Ordinal) : -1;
            length = word.Length;
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
