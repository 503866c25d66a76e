using System.Diagnostics;

namespace ErrorTelemetry.Failures.Internal;

/// <summary>One counted failure, as handed to the sinks (e.g. the triage buffer) right after it is counted.</summary>
/// <param name="Definition">The catalogued error.</param>
/// <param name="Fingerprint">The failure's fingerprint.</param>
/// <param name="CauseCode">The downstream or inner cause's code, if any.</param>
/// <param name="Operation">The operation it was counted under (route or span name).</param>
/// <param name="TraceId">The trace it happened in, when there was one.</param>
/// <param name="CorrelationId">The request's correlation id (baggage <c>correlation.id</c>), when there was one.</param>
/// <param name="SpanId">The span it was counted on, when there was one (for links to the trace viewer).</param>
internal readonly record struct FailureRecord(
    ErrorDefinition Definition,
    string Fingerprint,
    string? CauseCode,
    string Operation,
    ActivityTraceId? TraceId,
    string? CorrelationId,
    ActivitySpanId? SpanId = null);

/// <summary>Receives every counted failure. Called on the application's thread: must be fast and must not throw.</summary>
internal interface IFailureSink
{
    void OnFailure(in FailureRecord failure);
}
