using System.Diagnostics;
using ErrorTelemetry.Classification.Internal;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Hosting.Internal;
using ErrorTelemetry.Redaction.Internal;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace ErrorTelemetry.Tests.Hosting;

public sealed class OrderedLogProcessorTests
{
    private static readonly Action<ILogger, string, Exception?> Failed =
        LoggerMessage.Define<string>(LogLevel.Error, new EventId(3, "Failed"), "Charge for {Customer} failed");

    private static readonly Action<ILogger, int, string, Exception?> Shipped =
        LoggerMessage.Define<int, string>(LogLevel.Information, new EventId(4, "Shipped"), "Order {OrderId} shipped to {Country}");

    [Fact]
    public void OnEnd_ErrorRecordInsideCorrelatedSpan_CorrelatedThenEnrichedThenRedacted()
    {
        var exported = Export(logger =>
        {
            using var source = new ActivitySource("Ordered.Logs." + Guid.NewGuid().ToString("N"));
            using var listener = new ActivityListener
            {
                ShouldListenTo = s => s == source,
                Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            };
            ActivitySource.AddActivityListener(listener);
            using var span = source.StartActivity("charge");
            span!.SetBaggage("correlation.id", "order-9");
            Failed(logger, "bob@example.com", new TimeoutException("Customer bob@example.com timed out"));
        });

        var record = Assert.Single(exported);
        Assert.Equal("order-9", record["correlation.id"]);
        Assert.Equal("OPERATION_TIMEOUT", record["error.code"]);
        Assert.Equal("[REDACTED:email]", record["Customer"]);
        Assert.Equal("Customer [REDACTED:email] timed out", record["exception.message"]);
        Assert.DoesNotContain(record.Values, v => v is string text && text.Contains("bob@example.com", StringComparison.Ordinal));
    }

    [Fact]
    public void OnEnd_SameExceptionLoggedTwiceOnceWithStatedCode_BothRecordsCarryItsRedactedText()
    {
        var exception = new InvalidOperationException("Refund for carol@example.com failed");
        var exported = Export(logger =>
        {
            Failed(logger, "carol", exception);
#pragma warning disable CA1848, CA2254 // a plain call with its own error.code, as applications write one
            logger.LogError(exception, "Refund {error.code} for {Customer}", "DEPENDENCY_TIMEOUT", "carol");
#pragma warning restore CA1848, CA2254
        });

        Assert.Equal(2, exported.Count);
        Assert.All(exported, r => Assert.Equal("Refund for [REDACTED:email] failed", r["exception.message"]));
        Assert.All(exported, r => Assert.Equal("System.InvalidOperationException", r["exception.type"]));
        Assert.Equal("DEPENDENCY_TIMEOUT", exported[1]["error.code"]);
        Assert.DoesNotContain(exported.SelectMany(r => r.Values), v => v is string text && text.Contains("carol@example.com", StringComparison.Ordinal));
    }

    [Fact]
    public void OnEnd_RepeatedCleanRecordThenSecret_SecretRedacted()
    {
        var exported = Export(logger =>
        {
            for (var i = 0; i < 20; i++)
            {
                Shipped(logger, i, "NL", null);
            }

            Shipped(logger, 20, "dave@example.com", null);
        });

        Assert.Equal(21, exported.Count);
        Assert.All(exported.Take(20), r => Assert.Equal("NL", r["Country"]));
        Assert.Equal("[REDACTED:email]", exported[20]["Country"]);
        Assert.Equal(20, exported[20]["OrderId"]);
    }

    [Fact]
    public void OnEnd_ExceptionBelowErrorLevel_EnrichedAndExceptionTextRedacted()
    {
        var exported = Export(logger =>
        {
#pragma warning disable CA1848, CA2254 // plain calls at the levels under test
            logger.LogInformation(new TimeoutException("Customer erin@example.com timed out"), "Retrying for {Customer}", "erin");
            logger.LogWarning(new TimeoutException("Customer erin@example.com timed out"), "Giving up for {Customer}", "erin");
#pragma warning restore CA1848, CA2254
        });

        Assert.Equal(2, exported.Count);
        Assert.All(exported, r => Assert.Equal("OPERATION_TIMEOUT", r["error.code"]));
        Assert.All(exported, r => Assert.Equal("Customer [REDACTED:email] timed out", r["exception.message"]));
        Assert.DoesNotContain(exported.SelectMany(r => r.Values), v => v is string text && text.Contains("erin@example.com", StringComparison.Ordinal));
    }

    [Fact]
    public void OnEnd_NoExceptionBelowErrorLevelWithCode_LeftUnenriched()
    {
        var exported = Export(logger =>
        {
#pragma warning disable CA1848, CA2254 // plain calls at the levels under test
            logger.LogWarning("Payment {error.code} for {Customer}", "DEPENDENCY_TIMEOUT", "frank@example.com");
            logger.LogError("Payment {error.code} for {Customer}", "DEPENDENCY_TIMEOUT", "frank@example.com");
#pragma warning restore CA1848, CA2254
        });

        Assert.Equal(2, exported.Count);

        // Below Error, a record without an exception is not a failure: no error attributes, but still redacted.
        Assert.False(exported[0].ContainsKey("error.category"));
        Assert.Equal("[REDACTED:email]", exported[0]["Customer"]);
        Assert.Equal("DEPENDENCY_TIMEOUT", exported[1]["error.code"]);
        Assert.True(exported[1].ContainsKey("error.category"));
        Assert.Equal("[REDACTED:email]", exported[1]["Customer"]);
    }

    private static List<Dictionary<string, object?>> Export(Action<ILogger> write)
    {
        var exported = new List<Dictionary<string, object?>>();
        var recorder = new FailureRecorder(new ExceptionClassifier(new ErrorCatalog(BuiltInErrors.All())), new FailureCounter(100, meterName: "Ordered.Logs." + Guid.NewGuid().ToString("N")));
        using (var factory = LoggerFactory.Create(b =>
        {
            b.AddOpenTelemetry();
            b.Services.ConfigureOpenTelemetryLoggerProvider(logging =>
            {
                ProcessorRegistration.AddLogProcessors(logging, recorder, new Redactor(new RedactionOptions()));
                logging.AddProcessor(new Snapshot(exported));
            });
        }))
        {
            write(factory.CreateLogger("Tests"));
        }

        return exported;
    }

    // Log records are pooled and reset after export: their attributes are copied as the exporter saw them.
    private sealed class Snapshot(List<Dictionary<string, object?>> exported) : BaseProcessor<LogRecord>
    {
        public override void OnEnd(LogRecord data)
        {
            var attributes = new Dictionary<string, object?>();
            foreach (var attribute in data.Attributes ?? [])
            {
                attributes[attribute.Key] = attribute.Value;
            }

            exported.Add(attributes);
        }
    }
}
