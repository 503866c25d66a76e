using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using ErrorTelemetry.Tests.TestSupport;
using ErrorTelemetry.Tests.TestSupport.Otlp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace ErrorTelemetry.Tests.Hosting;

[Collection(TestWebHost.Collection)]
public class ExportDropReporterTests
{
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
        builder.AddErrorTelemetry().WithTracing(t => t.AddSource(source.Name));

        using (var host = builder.Build())
        {
            await host.StartAsync();
            for (var i = 0; i < 25; i++)
            {
                using var span = source.StartActivity("overflow " + i);
            }

            await host.StopAsync();
        }

        Assert.Equal(10, receiver.Spans.Count(s => s.Name.StartsWith("overflow ", StringComparison.Ordinal)));
        Assert.Contains(listener.Drops, d => d.Exporter == "OtlpTraceExporter" && d.Count == 15);
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
