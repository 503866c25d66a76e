using System.Diagnostics;
using ErrorTelemetry.Correlation.Internal;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Redaction.Internal;

namespace ErrorTelemetry.Hosting.Internal;

/// <summary>
/// Our span processors as one processor, in their one order: correlation, failure enrichment, redaction. The SDK
/// calls each processor of a pipeline in turn through a virtual call; one processor that calls the three directly
/// costs one such call per span start and end instead of three.
/// </summary>
/// <remarks>
/// Each part keeps its own guarantees (never throws into the application, fails closed on redaction). The enrichment
/// asks this processor, not itself, for the tracer provider it serves, since the SDK sets only this one's.
/// </remarks>
internal sealed class OrderedSpanProcessor : OrderedProcessor<Activity>
{
    private readonly CorrelationSpanProcessor _correlation = new();
    private readonly ErrorSpanProcessor _enrichment;
    private readonly RedactionSpanProcessor _redaction;

    public OrderedSpanProcessor(FailureRecorder recorder, Redactor redactor)
    {
        _enrichment = new ErrorSpanProcessor(recorder, redactor.Redact, () => ParentProvider);
        _redaction = new RedactionSpanProcessor(redactor);
        SetParts(_correlation, _enrichment, _redaction);
    }

    public override void OnStart(Activity data)
    {
        _correlation.OnStart(data);
        _enrichment.OnStart(data);
    }

    public override void OnEnd(Activity data)
    {
        _correlation.OnEnd(data);

        // One walk over the tags serves the failure decision and tells whether redaction would leave every tag as it
        // is (each kept as the redactor remembers it, and a failure's own under keys it preserves): then redaction
        // skips the tags only. What was recorded on the span, read by the enrichment, is not read again, nor is a name
        // remembered clean with the very same tags scanned again.
        var tagsKept = _enrichment.OnEndTagsKept(data, _redaction.Redactor, out var recorded, out var cleanName);
        _redaction.OnEnd(data, tagsKept, recorded, cleanName);
    }
}
