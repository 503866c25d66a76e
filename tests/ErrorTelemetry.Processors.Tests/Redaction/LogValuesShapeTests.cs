using ErrorTelemetry.Redaction.Internal;
using Microsoft.Extensions.Logging;

namespace ErrorTelemetry.Tests.Redaction;

public class LogValuesShapeTests
{
    private static readonly Action<ILogger, int, string, double, Exception?> Shipped =
        LoggerMessage.Define<int, string, double>(LogLevel.Information, new EventId(1, "Shipped"), "Order {OrderId} shipped to {Country} for {Amount}");

    private static readonly Action<ILogger, int, Exception?> PinChecked =
        LoggerMessage.Define<int>(LogLevel.Information, new EventId(2, "PinChecked"), "Checked {Password} for the order");

    private static readonly Action<ILogger, int, string, Exception?> UserSeen =
        LoggerMessage.Define<int, string>(LogLevel.Information, new EventId(3, "UserSeen"), "Seen {enduser.id} from {Country}");

    [Fact]
    public void Redact_LoggerMessageStateWithCleanValues_ReadsNoNumberAndAllocatesNothing()
    {
        var redactor = TestRedactors.Create(static _ => { });
        var state = Capture(static logger => Shipped(logger, 42, "NL", 99.5, null));
        Assert.Null(LogStateRedaction.Redact(redactor, state, null));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var redacted = LogStateRedaction.Redact(redactor, state, null);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Null(redacted);
        Assert.Equal(0, allocated);
        Assert.Equal(0b101UL, LogValuesShape.Skippable(redactor, state));
    }

    [Fact]
    public void Redact_LoggerMessageNumberUnderSensitiveKey_StillReplaced()
    {
        var redactor = TestRedactors.Create(static _ => { });
        var state = Capture(static logger => PinChecked(logger, 1234, null));

        var redacted = LogStateRedaction.Redact(redactor, state, null);

        Assert.NotNull(redacted);
        Assert.DoesNotContain(redacted, static pair => Equals(pair.Value, 1234));
        Assert.DoesNotContain("1234", redacted.Message, StringComparison.Ordinal);
        Assert.Equal(0UL, LogValuesShape.Skippable(redactor, state));
    }

    [Fact]
    public void Redact_LoggerMessageNumberUnderPseudonymizedKey_StillPseudonymized()
    {
        var redactor = TestRedactors.WithKey;
        var state = Capture(static logger => UserSeen(logger, 1001, "NL", null));

        var redacted = LogStateRedaction.Redact(redactor, state, null);

        Assert.NotNull(redacted);
        var user = Assert.Single(redacted, static pair => pair.Key == "enduser.id");
        Assert.StartsWith("pseu_", Assert.IsType<string>(user.Value), StringComparison.Ordinal);
    }

    private static readonly Action<ILogger, int, Exception?> Escalated =
        LoggerMessage.Define<int>(LogLevel.Information, new EventId(5, "Escalated"), "Escalated {OrderId} to ops@example.com");

    private static readonly Action<ILogger, int, Exception?> Reviewed =
        LoggerMessage.Define<int>(LogLevel.Information, new EventId(6, "Reviewed"), "Reviewed {OrderId} for CUST-20481");

    [Fact]
    public void Known_TemplateTheRedactorChanges_RedactedEveryTime()
    {
        var redactor = TestRedactors.Create(static _ => { });
        var state = Capture(static logger => Escalated(logger, 7, null));

        for (var i = 0; i < 3; i++)
        {
            var redacted = LogStateRedaction.Redact(redactor, state, null);
            Assert.NotNull(redacted);
            Assert.Equal("Escalated {OrderId} to [REDACTED:email]", redacted.Single(static p => p.Key == "{OriginalFormat}").Value);
            Assert.Equal("Escalated 7 to [REDACTED:email]", redacted.Message);
        }
    }

    [Fact]
    public void Known_TemplateCleanForOneRedactor_StillRedactedByAnother()
    {
        // The remembered answer belongs to the redactor that gave it.
        var plain = TestRedactors.Create(static _ => { });
        var strict = TestRedactors.Create(static o => o.CustomPatterns["customer"] = @"CUST-\d+");
        var state = Capture(static logger => Reviewed(logger, 7, null));
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(LogStateRedaction.Redact(plain, state, null));
        }

        var redacted = LogStateRedaction.Redact(strict, state, null);

        Assert.NotNull(redacted);
        Assert.Equal("Reviewed {OrderId} for [REDACTED:customer]", redacted.Single(static p => p.Key == "{OriginalFormat}").Value);
        Assert.Null(LogStateRedaction.Redact(plain, state, null));
    }

    [Fact]
    public void Skippable_StateOfAnotherType_ReadsEverything()
    {
        var redactor = TestRedactors.Create(static _ => { });
        KeyValuePair<string, object?>[] state = [new("OrderId", 42), new("{OriginalFormat}", "Order {OrderId}")];

        Assert.Equal(0UL, LogValuesShape.Skippable(redactor, state));
    }

    [Fact]
    public void Redact_SameShapeWithAnotherKeyAtAPosition_ValueRedactedUnderItsOwnKey()
    {
        // A state of one type and template whose key at a position changes: what the first key remembers is not used
        // for the second.
        var redactor = TestRedactors.Create(static _ => { });
        const string template = "Signed in from {Value}";
        const string value = "Hunter2-NL";
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(LogStateRedaction.Redact(redactor, new SwitchingState("Country", value, template), null));
        }

        var redacted = LogStateRedaction.Redact(redactor, new SwitchingState("password", value, template), null);

        Assert.NotNull(redacted);
        Assert.Equal("[REDACTED:password]", redacted.Single(static p => p.Key == "password").Value);
        Assert.DoesNotContain(value, redacted.Message, StringComparison.Ordinal);
    }

    private static IReadOnlyList<KeyValuePair<string, object?>> Capture(Action<ILogger> log)
    {
        var logger = new CapturingLogger();
        log(logger);
        return Assert.IsAssignableFrom<IReadOnlyList<KeyValuePair<string, object?>>>(logger.State);
    }

    private sealed class SwitchingState(string key, string value, string template) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 2;

        public KeyValuePair<string, object?> this[int index] =>
            index == 0 ? new(key, value) : new("{OriginalFormat}", template);

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
            yield return this[1];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => "Signed in from " + value;
    }

    private sealed class CapturingLogger : ILogger
    {
        public object? State { get; private set; }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            State = state;
    }
}
