using ErrorTelemetry.Correlation.Internal;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Redaction.Internal;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace ErrorTelemetry.Hosting.Internal;

/// <summary>
/// Our log processors as one processor, in their one order: correlation, failure enrichment, redaction. One virtual
/// call from the SDK per record instead of three (see <see cref="OrderedSpanProcessor"/>).
/// </summary>
/// <remarks>Each part keeps its own guarantees (never throws into the application, fails closed on redaction).</remarks>
internal sealed class OrderedLogProcessor : BaseProcessor<LogRecord>
{
    private readonly CorrelationLogProcessor _correlation = new();
    private readonly ErrorLogProcessor _enrichment;
    private readonly RedactionLogProcessor _redaction;

    public OrderedLogProcessor(FailureRecorder recorder, Redactor redactor, bool countUncodedErrorLogs)
    {
        _enrichment = new ErrorLogProcessor(recorder, countUncodedErrorLogs);
        _redaction = new RedactionLogProcessor(redactor);
    }

    public override void OnEnd(LogRecord data)
    {
        _correlation.OnEnd(data);
        _enrichment.OnEnd(data);
        _redaction.OnEnd(data);
    }

    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        var correlation = _correlation.Shutdown(timeoutMilliseconds);
        var enrichment = _enrichment.Shutdown(timeoutMilliseconds);
        return _redaction.Shutdown(timeoutMilliseconds) && correlation && enrichment;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _correlation.Dispose();
            _enrichment.Dispose();
            _redaction.Dispose();
        }

        base.Dispose(disposing);
    }
}
