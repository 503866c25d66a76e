using System.Diagnostics.Metrics;
using System.Diagnostics.Tracing;
using ErrorTelemetry.Diagnostics;

namespace ErrorTelemetry.Hosting.Internal;

/// <summary>
/// Reports telemetry the SDK's batch export processors dropped because their queue was full: the SDK says so on its
/// own EventSource (<c>OpenTelemetry-Sdk</c>, event 32, when a processor shuts down); this listener repeats it on the
/// <c>ErrorTelemetry</c> EventSource (event 9) and counts the items in <c>errortelemetry.export.dropped</c>.
/// Created before the providers, so it outlives them and hears their shutdown. Never throws.
/// </summary>
/// <remarks>EventSources are process-wide: with several hosts in one process, each reports every host's drops.</remarks>
internal sealed class ExportDropReporter : EventListener
{
    public const string InstrumentName = "errortelemetry.export.dropped";

    private const string SdkEventSourceName = "OpenTelemetry-Sdk";
    private const int DroppedItemsEventId = 32;

    // EventListener's base constructor enables existing sources before this constructor body runs.
    private readonly Counter<long>? _dropped;

    public ExportDropReporter(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(new MeterOptions(ErrorTelemetryVersion.ScopeName)
        {
            Version = ErrorTelemetryVersion.LibraryVersion,
            TelemetrySchemaUrl = ErrorTelemetryVersion.SchemaUrl,
        });
        _dropped = meter?.CreateCounter<long>(InstrumentName, "{item}", "Telemetry items the export processors dropped because their queue was full.");
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == SdkEventSourceName)
        {
            EnableEvents(eventSource, EventLevel.Warning);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId != DroppedItemsEventId || eventData.EventSource.Name != SdkEventSourceName
            || eventData.Payload is not [string processor, string exporter, long count])
        {
            return;
        }

        try
        {
            ErrorTelemetryEventSource.Log.TelemetryDropped(processor, exporter, count);
            _dropped?.Add(count, new KeyValuePair<string, object?>("exporter", exporter));
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
        {
            // The meter is gone with the host: the EventSource report stands.
        }
    }
}
