using System.Diagnostics;
using Microsoft.Extensions.Logging;
using ProtoLogs = ErrorTelemetry.Tests.TestSupport.Otlp.Proto.Logs;
using ProtoMetrics = ErrorTelemetry.Tests.TestSupport.Otlp.Proto.Metrics;
using ProtoTraces = ErrorTelemetry.Tests.TestSupport.Otlp.Proto.Traces;

namespace ErrorTelemetry.Tests.TestSupport.Otlp;

/// <summary>The OTLP signal a request carried, chosen by its path (/v1/traces, /v1/logs, /v1/metrics).</summary>
internal enum OtlpSignal
{
    /// <summary>The path is not an OTLP/HTTP signal path.</summary>
    Unknown,

    /// <summary>POST /v1/traces.</summary>
    Traces,

    /// <summary>POST /v1/logs.</summary>
    Logs,

    /// <summary>POST /v1/metrics.</summary>
    Metrics,
}

/// <summary>The OTLP metric data shape a point came from.</summary>
internal enum OtlpMetricKind
{
    /// <summary>Metric.gauge (ObservableGauge, Gauge).</summary>
    Gauge,

    /// <summary>Metric.sum (Counter when monotonic, UpDownCounter when not).</summary>
    Sum,

    /// <summary>Metric.histogram (explicit buckets).</summary>
    Histogram,

    /// <summary>Metric.exponential_histogram.</summary>
    ExponentialHistogram,

    /// <summary>Metric.summary (never produced by the .NET SDK; decoded for completeness).</summary>
    Summary,
}

/// <summary>An instrumentation scope (ActivitySource, logger category or Meter) as it arrived.</summary>
internal sealed record ReceivedScope(
    string Name,
    string Version,
    string SchemaUrl,
    IReadOnlyDictionary<string, object?> Attributes);

/// <summary>One HTTP request the receiver got, decoded or not.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Request path, e.g. /v1/traces.</param>
/// <param name="Signal">The signal the path maps to.</param>
/// <param name="Headers">Request headers (case-insensitive keys, multiple values joined with a comma).</param>
/// <param name="WireBody">The body exactly as it came off the wire (still gzip-compressed when it was).</param>
/// <param name="Body">The protobuf payload after removing Content-Encoding.</param>
/// <param name="StatusCode">The HTTP status the receiver answered with.</param>
/// <param name="Message">The decoded Export*ServiceRequest, or null when it could not be decoded.</param>
/// <param name="Error">Why decoding failed, or null.</param>
/// <param name="MessagesWithUnknownFields">
/// Full names of decoded messages that carried fields our .proto files do not define. Non-empty means the
/// test .proto files are out of step with what the exporter sends.
/// </param>
internal sealed record OtlpRequest(
    string Method,
    string Path,
    OtlpSignal Signal,
    IReadOnlyDictionary<string, string> Headers,
    byte[] WireBody,
    byte[] Body,
    int StatusCode,
    Google.Protobuf.IMessage? Message,
    string? Error,
    IReadOnlyList<string> MessagesWithUnknownFields)
{
    /// <summary>Gets the value of a request header, or null when absent.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>A span event as it arrived.</summary>
internal sealed record ReceivedSpanEvent(string Name, ulong TimeUnixNano, IReadOnlyDictionary<string, object?> Attributes);

/// <summary>A span link as it arrived.</summary>
internal sealed record ReceivedSpanLink(string TraceId, string SpanId, string TraceState, IReadOnlyDictionary<string, object?> Attributes);

/// <summary>A span flattened with its resource and scope.</summary>
/// <param name="Name">Span name.</param>
/// <param name="Kind">Span kind; OTLP SPAN_KIND_UNSPECIFIED maps to <see cref="ActivityKind.Internal"/> (the raw value is in <paramref name="Raw"/>).</param>
/// <param name="TraceId">Lower-case hex trace id (32 chars).</param>
/// <param name="SpanId">Lower-case hex span id (16 chars).</param>
/// <param name="ParentSpanId">Lower-case hex parent span id, or null for a root span.</param>
/// <param name="TraceState">W3C tracestate, empty when none.</param>
/// <param name="Flags">OTLP span flags (low byte = W3C trace flags).</param>
/// <param name="StatusCode">Span status code.</param>
/// <param name="StatusMessage">Span status description, empty when none.</param>
/// <param name="StartTimeUnixNano">Start time, Unix epoch nanoseconds.</param>
/// <param name="EndTimeUnixNano">End time, Unix epoch nanoseconds.</param>
/// <param name="Attributes">Span attributes (string, bool, long, double, byte[], object?[] or nested dictionary).</param>
/// <param name="Events">Span events in order.</param>
/// <param name="Links">Span links in order.</param>
/// <param name="ResourceAttributes">Attributes of the resource the span was exported under.</param>
/// <param name="ResourceSchemaUrl">ResourceSpans.schema_url.</param>
/// <param name="Scope">The instrumentation scope (ActivitySource name/version) and ScopeSpans.schema_url.</param>
/// <param name="Raw">The decoded protobuf span, for anything not flattened here.</param>
internal sealed record ReceivedSpan(
    string Name,
    ActivityKind Kind,
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string TraceState,
    uint Flags,
    ActivityStatusCode StatusCode,
    string StatusMessage,
    ulong StartTimeUnixNano,
    ulong EndTimeUnixNano,
    IReadOnlyDictionary<string, object?> Attributes,
    IReadOnlyList<ReceivedSpanEvent> Events,
    IReadOnlyList<ReceivedSpanLink> Links,
    IReadOnlyDictionary<string, object?> ResourceAttributes,
    string ResourceSchemaUrl,
    ReceivedScope Scope,
    ProtoTraces.Span Raw);

/// <summary>A log record flattened with its resource and scope.</summary>
/// <param name="Body">The body when it is a string (the usual case), else its string form, or null when absent.</param>
/// <param name="BodyValue">The body converted like an attribute value.</param>
/// <param name="SeverityNumber">OTLP severity number 0-24.</param>
/// <param name="SeverityText">Severity text as sent (the .NET exporter sends e.g. "Warning").</param>
/// <param name="Attributes">Log attributes (structured-logging state values, exception.* etc.).</param>
/// <param name="TraceId">Lower-case hex trace id, or null when the record had no trace context.</param>
/// <param name="SpanId">Lower-case hex span id, or null when the record had no trace context.</param>
/// <param name="Flags">OTLP log flags (low byte = W3C trace flags).</param>
/// <param name="EventName">LogRecord.event_name, empty when none.</param>
/// <param name="TimeUnixNano">Time of the event, Unix epoch nanoseconds.</param>
/// <param name="ObservedTimeUnixNano">Observed time, Unix epoch nanoseconds.</param>
/// <param name="ResourceAttributes">Attributes of the resource the record was exported under.</param>
/// <param name="ResourceSchemaUrl">ResourceLogs.schema_url.</param>
/// <param name="Scope">The instrumentation scope (the .NET exporter uses the logger category name).</param>
/// <param name="Raw">The decoded protobuf log record.</param>
internal sealed record ReceivedLogRecord(
    string? Body,
    object? BodyValue,
    int SeverityNumber,
    string SeverityText,
    IReadOnlyDictionary<string, object?> Attributes,
    string? TraceId,
    string? SpanId,
    uint Flags,
    string EventName,
    ulong TimeUnixNano,
    ulong ObservedTimeUnixNano,
    IReadOnlyDictionary<string, object?> ResourceAttributes,
    string ResourceSchemaUrl,
    ReceivedScope Scope,
    ProtoLogs.LogRecord Raw)
{
    /// <summary>
    /// Gets the <see cref="Microsoft.Extensions.Logging.LogLevel"/> an OTLP severity number range stands for
    /// (1-4 Trace, 5-8 Debug, 9-12 Information, 13-16 Warning, 17-20 Error, 21-24 Critical), or null when unspecified.
    /// </summary>
    public LogLevel? LogLevel => SeverityNumber switch
    {
        >= 1 and <= 4 => Microsoft.Extensions.Logging.LogLevel.Trace,
        >= 5 and <= 8 => Microsoft.Extensions.Logging.LogLevel.Debug,
        >= 9 and <= 12 => Microsoft.Extensions.Logging.LogLevel.Information,
        >= 13 and <= 16 => Microsoft.Extensions.Logging.LogLevel.Warning,
        >= 17 and <= 20 => Microsoft.Extensions.Logging.LogLevel.Error,
        >= 21 and <= 24 => Microsoft.Extensions.Logging.LogLevel.Critical,
        _ => null,
    };
}

/// <summary>One metric data point flattened with its metric, resource and scope.</summary>
/// <param name="MetricName">Metric (instrument) name.</param>
/// <param name="Description">Metric description.</param>
/// <param name="Unit">Metric unit.</param>
/// <param name="Kind">Which OTLP data shape the point came from.</param>
/// <param name="IsMonotonic">Sum.is_monotonic; null for other kinds.</param>
/// <param name="Temporality">OTLP aggregation temporality name ("Cumulative", "Delta"); null for Gauge/Summary.</param>
/// <param name="Attributes">Data point attributes (the measurement tags).</param>
/// <param name="LongValue">NumberDataPoint.as_int for Sum/Gauge points that carried an integer, else null.</param>
/// <param name="DoubleValue">NumberDataPoint.as_double for Sum/Gauge points that carried a double, else null.</param>
/// <param name="Count">Histogram/ExponentialHistogram/Summary count; null for Sum/Gauge.</param>
/// <param name="Sum">Histogram/ExponentialHistogram/Summary sum when present; null otherwise.</param>
/// <param name="Min">Histogram min when present.</param>
/// <param name="Max">Histogram max when present.</param>
/// <param name="BucketCounts">Explicit-bucket histogram bucket counts (empty for other kinds).</param>
/// <param name="ExplicitBounds">Explicit-bucket histogram bounds (empty for other kinds).</param>
/// <param name="StartTimeUnixNano">Start of the aggregation interval, Unix epoch nanoseconds.</param>
/// <param name="TimeUnixNano">Time of the point, Unix epoch nanoseconds.</param>
/// <param name="ResourceAttributes">Attributes of the resource the point was exported under.</param>
/// <param name="ResourceSchemaUrl">ResourceMetrics.schema_url.</param>
/// <param name="Scope">The instrumentation scope (Meter name/version/tags).</param>
/// <param name="RawMetric">The decoded protobuf metric the point belongs to.</param>
internal sealed record ReceivedMetricPoint(
    string MetricName,
    string Description,
    string Unit,
    OtlpMetricKind Kind,
    bool? IsMonotonic,
    string? Temporality,
    IReadOnlyDictionary<string, object?> Attributes,
    long? LongValue,
    double? DoubleValue,
    ulong? Count,
    double? Sum,
    double? Min,
    double? Max,
    IReadOnlyList<ulong> BucketCounts,
    IReadOnlyList<double> ExplicitBounds,
    ulong StartTimeUnixNano,
    ulong TimeUnixNano,
    IReadOnlyDictionary<string, object?> ResourceAttributes,
    string ResourceSchemaUrl,
    ReceivedScope Scope,
    ProtoMetrics.Metric RawMetric)
{
    /// <summary>Gets the Sum/Gauge value as a double whichever way it was encoded, or null for other kinds.</summary>
    public double? Value => LongValue ?? DoubleValue;
}
