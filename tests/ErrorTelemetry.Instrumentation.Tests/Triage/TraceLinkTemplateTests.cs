using ErrorTelemetry.Triage.Internal;

namespace ErrorTelemetry.Tests.Triage;

public class TraceLinkTemplateTests
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string SpanId = "00f067aa0ba902b7";

    [Theory]
    [InlineData("https://jaeger.example.com/trace/{traceId}?uiFind={spanId}", "https://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736?uiFind=00f067aa0ba902b7")]
    [InlineData("http://localhost:18888/traces/detail/{traceId}?spanId={spanId}", "http://localhost:18888/traces/detail/4bf92f3577b34da6a3ce929d0e0e4736?spanId=00f067aa0ba902b7")]
    [InlineData(
        "https://grafana.example.com/explore?schemaVersion=1&panes={\"t\":{\"datasource\":\"tempo\",\"queries\":[{\"refId\":\"A\",\"queryType\":\"traceql\",\"query\":\"{traceId}\"}]}}",
        "https://grafana.example.com/explore?schemaVersion=1&panes={\"t\":{\"datasource\":\"tempo\",\"queries\":[{\"refId\":\"A\",\"queryType\":\"traceql\",\"query\":\"4bf92f3577b34da6a3ce929d0e0e4736\"}]}}")]
    public void Format_DocumentedViewers_FillsTraceAndSpanIds(string template, string expected)
    {
        var options = new ErrorTelemetryTriageOptions { TraceLinkTemplate = template };

        Assert.Null(TraceLinkTemplate.Check(template));
        Assert.Equal(expected, TraceLinkTemplate.From(options)!.Format(TraceId, SpanId));
    }

    [Fact]
    public void Format_NoSpanId_LeavesSpanPlaceholderEmpty()
    {
        var template = TraceLinkTemplate.From(new ErrorTelemetryTriageOptions { TraceLinkTemplate = "https://jaeger.example.com/trace/{traceId}?uiFind={spanId}" })!;

        Assert.Equal("https://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736?uiFind=", template.Format(TraceId, null));
    }

    [Theory]
    [InlineData("https://jaeger.example.com/search", "has no {traceId} placeholder")]
    [InlineData("https://jaeger.example.com/trace/{traceID}", "has no {traceId} placeholder")]
    [InlineData("https://jaeger.example.com/trace/{traceId}/{span}", "has the unknown placeholder {span}")]
    [InlineData("/trace/{traceId}", "is not an absolute http or https URL")]
    [InlineData("javascript:alert('{traceId}')", "is not an absolute http or https URL")]
    [InlineData("  ", "is blank")]
    public void Validate_BadTemplate_StopsWithKeyAndFix(string template, string expected)
    {
        var result = new TriageOptionsValidator().Validate(null, new ErrorTelemetryTriageOptions { TraceLinkTemplate = template });

        Assert.True(result.Failed);
        Assert.Contains("ErrorTelemetry:Triage:TraceLinkTemplate is", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }
}
