using System.Diagnostics.Tracing;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using OpenTelemetry.Trace;

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

    [Fact]
    public void Add_SeriesInterleaved_EachCountedUnderItsOwnLabels()
    {
        using var p = new TelemetryPipeline();
        foreach (var op in new[] { "a", "b", "a", "a", "b" })
        {
            using var a = p.Source.StartActivity(op);
            a!.AddException(new TimeoutException());
        }

        var points = p.FailurePoints();
        Assert.Equal(2, points.Count);
        Assert.Equal(3, Assert.Single(points, pt => Equals(pt.Tags["operation"], "a")).Value);
        Assert.Equal(2, Assert.Single(points, pt => Equals(pt.Tags["operation"], "b")).Value);
    }

    [Fact]
    public void Add_TwoDefinitionsOfOneCode_EachMeasuredWithItsOwnCategoryAndSeverity()
    {
        var meterName = "FailureCounterTests." + Guid.NewGuid().ToString("N");
        using var counter = new FailureCounter(10, meterName: meterName);
        using var collector = new MetricCollector<long>(null, meterName, FailureCounter.InstrumentName);
        var first = new ErrorDefinition("ORDER_FAILED", ErrorCategory.Dependency, "Order failed");
        var second = new ErrorDefinition("ORDER_FAILED", ErrorCategory.Validation, "Order failed") { Severity = ErrorSeverity.Warning };

        counter.Add(first, "op");
        counter.Add(second, "op");
        counter.Add(first, "op");

        var measured = collector.GetMeasurementSnapshot();
        Assert.Equal(3, measured.Count);
        Assert.Equal([first.CategoryName, second.CategoryName, first.CategoryName], measured.Select(m => m.Tags["error.category"]));
        Assert.Equal([first.SeverityName, second.SeverityName, first.SeverityName], measured.Select(m => m.Tags["error.severity"]));
        Assert.All(measured, m => Assert.Equal("ORDER_FAILED", m.Tags["error.code"]));
        Assert.All(measured, m => Assert.Equal("op", m.Tags["operation"]));
    }

    [Fact]
    public void Add_ManySeriesInTurn_EachCountedUnderItsOwnLabels()
    {
        // Recent series are remembered in a small table: with more series than it holds, two definitions of one
        // operation, and operations of equal text in other strings, every failure still lands in its own series.
        using var p = new TelemetryPipeline();
        var operations = Enumerable.Range(0, 150).Select(i => $"job.{i}").ToArray();
        ErrorDefinition[] definitions = [BuiltInErrors.OperationTimeout, p.Catalog.Unclassified];
        for (var round = 0; round < 3; round++)
        {
            foreach (var operation in operations)
            {
                foreach (var definition in definitions)
                {
                    using var job = p.Source.StartActivity(round == 2 ? new string(operation.AsSpan()) : operation);
                    job!.SetErrorCode(definition);
                }
            }
        }

        var points = p.FailurePoints();
        Assert.Equal(operations.Length * definitions.Length, points.Count);
        Assert.All(points, point => Assert.Equal(3, point.Value));
        foreach (var definition in definitions)
        {
            var ofCode = points.Where(point => Equals(point.Tags["error.code"], definition.Code)).ToList();
            Assert.Equal(operations.Order(StringComparer.Ordinal), ofCode.Select(point => (string)point.Tags["operation"]!).Order(StringComparer.Ordinal));
            Assert.All(ofCode, point => Assert.Equal(definition.CategoryName, point.Tags["error.category"]));
            Assert.All(ofCode, point => Assert.Equal(definition.SeverityName, point.Tags["error.severity"]));
        }
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
