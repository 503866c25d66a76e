using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using ErrorTelemetry.Tests.TestSupport;
using ErrorTelemetry.Tests.TestSupport.Otlp;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace ErrorTelemetry.Tests.Hosting;

[Collection(TestWebHost.Collection)]
public class ExportDropReporterTests
{
    private const int Spans = 5000;

    [Fact]
    public async Task Shutdown_BatchQueueOverflowed_DroppedItemsReportedOnErrorTelemetryEventSource()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        using var listener = new DroppedListener();
        var source = new ActivitySource("Overflow." + Guid.NewGuid().ToString("N"));
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_MAX_QUEUE_SIZE"] = "10",
            ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"] = "10",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "600000",
        });
        var ended = new EndedSpanCounter();
        builder.AddErrorTelemetry().WithTracing(t => t.AddSource(source.Name).AddProcessor(ended));

        using (var host = builder.Build())
        {
            await host.StartAsync();
            for (var i = 0; i < Spans; i++)
            {
                using var span = source.StartActivity("overflow " + i);
            }

            await host.StopAsync();
        }

        // Every span is accounted for: received by the backend, or reported as dropped. Spans of the process-wide
        // sources the host also listens to (the receiver's own requests, HTTP clients of tests running in parallel)
        // queue, and may be dropped, too, so the drop count can exceed the overflowed spans by at most the number of
        // those other spans that ended in the pipeline.
        var received = receiver.Spans.Select(s => s.Name).Where(n => n.StartsWith("overflow ", StringComparison.Ordinal)).Distinct().Count();
        var dropped = Assert.Single(listener.Drops, d => d.Exporter == "OtlpTraceExporter").Count;
        Assert.True(dropped > 0, "The queue of 10 never overflowed.");
        Assert.InRange(received + dropped, Spans, ended.Count);
    }

    private sealed class EndedSpanCounter : BaseProcessor<Activity>
    {
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public override void OnEnd(Activity data) => Interlocked.Increment(ref _count);
    }

    private sealed class DroppedListener : EventListener
    {
        public ConcurrentQueue<(string Exporter, long Count)> Drops { get; } = new();

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "ErrorTelemetry")
            {
                EnableEvents(eventSource, EventLevel.Warning);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName == "TelemetryDropped" && eventData.Payload is [_, string exporter, long count])
            {
                Drops.Enqueue((exporter, count));
            }
        }
    }
}
