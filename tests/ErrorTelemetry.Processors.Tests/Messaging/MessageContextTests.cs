using System.Diagnostics;
using ErrorTelemetry.Tests.TestSupport;
using OpenTelemetry;

namespace ErrorTelemetry.Tests.Messaging;

public sealed class MessageContextTests : IDisposable
{
    private readonly TelemetryPipeline _pipeline = new();

    [Fact]
    public void Extract_AfterInject_ContinuesTheTraceWithBaggageAndCorrelationId()
    {
        var headers = new Dictionary<string, string>();
        ActivityTraceId traceId;
        ActivitySpanId producerSpanId;
        using (var producer = _pipeline.Source.StartActivity("orders publish", ActivityKind.Producer))
        {
            producer!.SetBaggage("correlation.id", "order-77");
            producer.SetBaggage("tenant", "acme");
            traceId = producer.TraceId;
            producerSpanId = producer.SpanId;
            MessageContext.Inject(headers);
        }

        Assert.Equal("order-77", headers["X-Correlation-ID"]);
        Assert.StartsWith("00-" + traceId.ToHexString() + "-" + producerSpanId.ToHexString(), headers["traceparent"], StringComparison.Ordinal);

        using (var scope = MessageContext.Extract(headers, _pipeline.Source, "orders process"))
        {
            Assert.Equal("order-77", scope.CorrelationId);
            Assert.Equal(traceId, scope.Activity!.TraceId);
            Assert.Equal(producerSpanId, scope.Activity.ParentSpanId);
            Assert.Equal(ActivityKind.Consumer, scope.Activity.Kind);
            Assert.Equal("acme", Activity.Current!.GetBaggageItem("tenant"));
            Assert.Equal("order-77", Baggage.GetBaggage("correlation.id"));
        }

        var consumer = _pipeline.Span("orders process");
        Assert.Equal(traceId.ToHexString(), consumer.TraceId);
        Assert.Equal("order-77", consumer.Tag("correlation.id"));
        Assert.Null(Baggage.GetBaggage("correlation.id"));
    }

    [Fact]
    public void Inject_CorrelationIdOnlyInAmbientBaggage_CarriedInHeaderAndBaggage()
    {
        var previous = Baggage.Current;
        Baggage.SetBaggage("correlation.id", "job-3");
        var headers = new Dictionary<string, string>();
        try
        {
            MessageContext.Inject(headers);
        }
        finally
        {
            Baggage.Current = previous;
        }

        Assert.Equal("job-3", headers["X-Correlation-ID"]);
        Assert.Contains("correlation.id=job-3", headers["baggage"], StringComparison.Ordinal);
        Assert.False(headers.ContainsKey("traceparent"));
    }

    [Theory]
    [InlineData("evil\r\nvalue")]
    [InlineData("caf\u00e9")]
    public void Extract_MalformedCorrelationId_ReplacedEverywhere(string hostile)
    {
        var headers = new Dictionary<string, string>
        {
            ["X-Correlation-ID"] = hostile,
            ["baggage"] = "correlation.id=" + Uri.EscapeDataString(hostile),
        };

        using (var scope = MessageContext.Extract(headers, _pipeline.Source, "orders process"))
        {
            Assert.Matches("^[0-9a-f]{32}$", scope.CorrelationId);
            Assert.Equal(scope.CorrelationId, scope.Activity!.GetBaggageItem("correlation.id"));
            Assert.Equal(scope.CorrelationId, Baggage.GetBaggage("correlation.id"));
        }

        Assert.DoesNotContain(hostile, _pipeline.Span("orders process").Dump(), StringComparison.Ordinal);
    }

    [Fact]
    public void Extract_NoListenerForTheSource_CorrelationIdStillAmbientAndRestored()
    {
        using var unheard = new ActivitySource("Nobody.Listens." + Guid.NewGuid().ToString("N"));
        var headers = new Dictionary<string, string> { ["x-correlation-id"] = "lower-case-header" };

        using (var scope = MessageContext.Extract(headers, unheard, "orders process"))
        {
            Assert.Null(scope.Activity);
            Assert.Equal("lower-case-header", scope.CorrelationId);
            Assert.Equal("lower-case-header", Baggage.GetBaggage("correlation.id"));
        }

        Assert.Null(Baggage.GetBaggage("correlation.id"));
    }

    [Fact]
    public void InjectExtract_NullOrBlankArguments_Throw()
    {
        var headers = new Dictionary<string, string>();
        Assert.Throws<ArgumentNullException>(() => MessageContext.Inject(null!));
        Assert.Throws<ArgumentNullException>(() => MessageContext.Extract(null!, _pipeline.Source, "op"));
        Assert.Throws<ArgumentNullException>(() => MessageContext.Extract(headers, null!, "op"));
        Assert.Throws<ArgumentException>(() => MessageContext.Extract(headers, _pipeline.Source, " "));
    }

    public void Dispose() => _pipeline.Dispose();
}
