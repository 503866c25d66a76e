using System.Diagnostics.Tracing;

namespace ErrorTelemetry.Diagnostics;

/// <summary>
/// Self-diagnostics of ErrorTelemetry. Processors never throw into the application; what they could not do is
/// reported here instead. Listen with dotnet-trace/dotnet-counters, or an <see cref="EventListener"/>, on the
/// "ErrorTelemetry" source.
/// </summary>
[EventSource(Name = "ErrorTelemetry")]
internal sealed class ErrorTelemetryEventSource : EventSource
{
    public static readonly ErrorTelemetryEventSource Log = new();

    // Event ids are part of the diagnostics contract: never renumber, only add.
    private const int ProcessorFailedId = 1;
    private const int CallbackFailedId = 2;
    private const int MetricOverflowId = 3;
    private const int RedactionFailedId = 4;
    private const int ConfigurationWarningId = 5;
    private const int ExporterFailedId = 6;
    private const int BufferFullId = 7;
    private const int ExceptionReadFailedId = 8;
    private const int TelemetryDroppedId = 9;

    [NonEvent]
    public void ProcessorFailed(string component, Exception exception)
    {
        if (IsEnabled(EventLevel.Error, EventKeywords.All))
        {
            ProcessorFailed(component, exception.GetType().FullName ?? exception.GetType().Name);
        }
    }

    [Event(ProcessorFailedId, Level = EventLevel.Error, Message = "{0} failed and dropped its enrichment: {1}")]
    public void ProcessorFailed(string component, string exceptionType) =>
        WriteEvent(ProcessorFailedId, component, exceptionType);

    [NonEvent]
    public void CallbackFailed(string callback, Exception exception)
    {
        if (IsEnabled(EventLevel.Warning, EventKeywords.All))
        {
            CallbackFailed(callback, exception.GetType().FullName ?? exception.GetType().Name);
        }
    }

    [Event(CallbackFailedId, Level = EventLevel.Warning, Message = "User callback {0} threw {1}; it was skipped")]
    public void CallbackFailed(string callback, string exceptionType) =>
        WriteEvent(CallbackFailedId, callback, exceptionType);

    [Event(MetricOverflowId, Level = EventLevel.Warning, Message = "Metric {0} reached its limit of {1} series; new combinations are counted in the overflow series")]
    public void MetricOverflow(string instrument, int limit) =>
        WriteEvent(MetricOverflowId, instrument, limit);

    [NonEvent]
    public void RedactionFailed(string where, Exception exception)
    {
        if (IsEnabled(EventLevel.Error, EventKeywords.All))
        {
            RedactionFailed(where, exception.GetType().FullName ?? exception.GetType().Name);
        }
    }

    [Event(RedactionFailedId, Level = EventLevel.Error, Message = "Redaction of {0} failed ({1}); the value was replaced entirely")]
    public void RedactionFailed(string where, string exceptionType) =>
        WriteEvent(RedactionFailedId, where, exceptionType);

    [Event(ConfigurationWarningId, Level = EventLevel.Warning, Message = "{0}")]
    public void ConfigurationWarning(string message) =>
        WriteEvent(ConfigurationWarningId, message);

    [NonEvent]
    public void ExporterFailed(string exporter, Exception exception)
    {
        if (IsEnabled(EventLevel.Error, EventKeywords.All))
        {
            ExporterFailed(exporter, exception.GetType().FullName ?? exception.GetType().Name);
        }
    }

    [Event(ExporterFailedId, Level = EventLevel.Error, Message = "Exporter {0} failed: {1}")]
    public void ExporterFailed(string exporter, string exceptionType) =>
        WriteEvent(ExporterFailedId, exporter, exceptionType);

    [Event(BufferFullId, Level = EventLevel.Warning, Message = "{0} is full ({1} entries); the oldest entries are evicted")]
    public void BufferFull(string buffer, int capacity) =>
        WriteEvent(BufferFullId, buffer, capacity);

    [NonEvent]
    public void ExceptionReadFailed(string member, Exception exception)
    {
        if (IsEnabled(EventLevel.Warning, EventKeywords.All))
        {
            ExceptionReadFailed(member, exception.GetType().FullName ?? exception.GetType().Name);
        }
    }

    [Event(ExceptionReadFailedId, Level = EventLevel.Warning, Message = "Reading Exception.{0} of an application exception threw {1}; that part was left out")]
    public void ExceptionReadFailed(string member, string exceptionType) =>
        WriteEvent(ExceptionReadFailedId, member, exceptionType);

    [Event(TelemetryDroppedId, Level = EventLevel.Warning, Message = "{0} exporting to {1} dropped {2} item(s): its queue was full")]
    public void TelemetryDropped(string processor, string exporter, long count) =>
        WriteEvent(TelemetryDroppedId, processor, exporter, count);
}
