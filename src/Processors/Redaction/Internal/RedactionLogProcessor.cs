using ErrorTelemetry.Failures.Internal;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Redacts every log record after correlation and failure enrichment and before any processor or exporter the
/// application added: body, formatted message, attributes, scopes and exception text (<see cref="LogRecordRedaction"/>).
/// </summary>
/// <remarks>Never throws: a record that cannot be redacted is exported without its values (fail closed).</remarks>
internal sealed class RedactionLogProcessor : BaseProcessor<LogRecord>
{
    private readonly Redactor _redactor;

    public RedactionLogProcessor(Redactor redactor)
    {
        _redactor = redactor;
    }

    public override void OnEnd(LogRecord data) => LogRecordRedaction.Redact(data, _redactor);

    /// <summary>
    /// <see cref="OnEnd"/> for a caller that holds the facts of the record's exception (<paramref name="exceptionFacts"/>,
    /// from the failure processor just before): the exception is not looked up again.
    /// </summary>
    internal void Redact(LogRecord data, ExceptionFacts? exceptionFacts) => LogRecordRedaction.Redact(data, _redactor, exceptionFacts);
}
