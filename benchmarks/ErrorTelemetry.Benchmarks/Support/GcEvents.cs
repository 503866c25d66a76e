using System.Diagnostics.Tracing;
using System.Globalization;

namespace ErrorTelemetry.Benchmarks.Support;

/// <summary>
/// The runtime's own garbage-collection events, read in process: how many bytes each collection found still alive
/// in generation 0 and 1 (and so promoted). Objects that live from a request until the batch export (spans and log
/// records waiting in a processor's queue, and everything they hold) are promoted by every gen-0 collection, and
/// enough of them turn gen-0 collections into gen-1 ones.
/// </summary>
internal sealed class GcEvents : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    private long _collections;
    private long _promotedFrom0;
    private long _promotedFrom1;

    /// <summary>Gets the totals so far: collections seen, bytes that survived generation 0, and generation 1.</summary>
    public (long Collections, long PromotedFrom0, long PromotedFrom1) Read() =>
        (Interlocked.Read(ref _collections), Interlocked.Read(ref _promotedFrom0), Interlocked.Read(ref _promotedFrom1));

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource)
        {
            EnableEvents(eventSource, EventLevel.Informational, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        // GCHeapStats is written once at the end of every collection.
        if (eventData.EventName is not { } name || !name.StartsWith("GCHeapStats", StringComparison.Ordinal)
            || eventData.PayloadNames is not { } names || eventData.Payload is not { } payload)
        {
            return;
        }

        Interlocked.Add(ref _promotedFrom0, Convert.ToInt64(payload[names.IndexOf("TotalPromotedSize0")], CultureInfo.InvariantCulture));
        Interlocked.Add(ref _promotedFrom1, Convert.ToInt64(payload[names.IndexOf("TotalPromotedSize1")], CultureInfo.InvariantCulture));
        Interlocked.Increment(ref _collections);
    }
}
