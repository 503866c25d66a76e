using System.Diagnostics;
using ErrorTelemetry.Correlation.Internal;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Redaction.Internal;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;

namespace ErrorTelemetry.Hosting.Internal;

/// <summary>
/// Our log processors as one processor, in their one order: correlation, failure enrichment, redaction. One virtual
/// call from the SDK per record instead of three (see <see cref="OrderedSpanProcessor"/>).
/// </summary>
/// <remarks>Each part keeps its own guarantees (never throws into the application, fails closed on redaction).</remarks>
internal sealed class OrderedLogProcessor : OrderedProcessor<LogRecord>
{
    private readonly CorrelationLogProcessor _correlation = new();
    private readonly ErrorLogProcessor _enrichment;
    private readonly RedactionLogProcessor _redaction;

    public OrderedLogProcessor(FailureRecorder recorder, Redactor redactor, bool countUncodedErrorLogs)
    {
        _enrichment = new ErrorLogProcessor(recorder, countUncodedErrorLogs);
        _redaction = new RedactionLogProcessor(redactor);
        SetParts(_correlation, _enrichment, _redaction);
    }

    public override void OnEnd(LogRecord data)
    {
        // The current span is read once for both parts that need it, and the exception's facts that enrichment
        // looked up are handed to redaction, which would otherwise look the exception up again.
        var activity = Activity.Current;
        _correlation.Process(data, activity);

        // Enrichment leaves a record without an exception below Error as it is (ErrorLogProcessor.OnEnd's own test).
        var exceptionFacts = data.Exception is not null || data.LogLevel >= LogLevel.Error ? _enrichment.Process(data, activity) : null;
        _redaction.Redact(data, exceptionFacts);
    }
}
