using System.Diagnostics.Tracing;
using ErrorTelemetry.Tests.TestSupport;

namespace ErrorTelemetry.Tests.Failures;

public class FailureCounterTests
{
    [Fact]
    public void Add_DimensionsAreCodeCategorySeverityOperation_UnitIsError()
    {
        using var p = new TelemetryPipeline();
        using (var a = p.Source.StartActivity("GET /orders/{id}"))
        {
            a!.AddException(new TimeoutException());
        }

        var point = Assert.Single(p.FailurePoints());
        Assert.Equal("{error}", point.Unit);
        Assert.Equal(1, point.Value);
        Assert.Equal(
            new Dictionary<string, object?>
            {
                ["error.code"] = "OPERATION_TIMEOUT",
                ["error.category"] = "timeout",
                ["error.severity"] = "error",
                ["operation"] = "GET /orders/{id}",
            },
            point.Tags);
    }

    [Fact]
    public void Add_MoreSeriesThanTheCap_FoldIntoOverflowSeriesAndReportOnce()
    {
        using var listener = new DiagnosticsListener();
        using var p = new TelemetryPipeline(o => o.MaxFailureSeries = 2);
        foreach (var op in new[] { "a", "b", "c", "d" })
        {
            using var a = p.Source.StartActivity(op);
            a!.AddException(new TimeoutException());
        }

        var points = p.FailurePoints();
        Assert.Equal(3, points.Count);
        var overflow = Assert.Single(points, pt => Equals(pt.Tags["error.code"], "_OVERFLOW"));
        Assert.Equal(2, overflow.Value);
        Assert.Equal(4, points.Sum(pt => pt.Value));
        Assert.Contains(listener.Events, e => e.EventId == 3 && Equals(e.Payload?[1], 2));
    }

    private sealed class DiagnosticsListener : EventListener
    {
        public List<EventWrittenEventArgs> Events { get; } = [];

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "ErrorTelemetry")
            {
                EnableEvents(eventSource, EventLevel.Verbose);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            lock (Events)
            {
                Events.Add(eventData);
            }
        }
    }
}
