using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using ErrorTelemetry.Tests.TestSupport.Otlp.Proto.Collector;
using ErrorTelemetry.Tests.TestSupport.Otlp.Proto.Common;
using ErrorTelemetry.Tests.TestSupport.Otlp.Proto.Metrics;
using ErrorTelemetry.Tests.TestSupport.Otlp.Proto.Resources;
using ErrorTelemetry.Tests.TestSupport.Otlp.Proto.Traces;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Google.Protobuf.Reflection;

namespace ErrorTelemetry.Tests.TestSupport.Otlp;

/// <summary>Turns decoded OTLP export requests into flat, assertion-friendly records.</summary>
internal static class OtlpDecoder
{
    private static readonly IReadOnlyDictionary<string, object?> NoAttributes = new Dictionary<string, object?>();

    public static IMessage Parse(OtlpSignal signal, byte[] body) => signal switch
    {
        OtlpSignal.Traces => ExportTraceServiceRequest.Parser.ParseFrom(body),
        OtlpSignal.Logs => ExportLogsServiceRequest.Parser.ParseFrom(body),
        OtlpSignal.Metrics => ExportMetricsServiceRequest.Parser.ParseFrom(body),
        _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "No OTLP message for this signal."),
    };

    public static byte[] EmptyResponse(OtlpSignal signal) => signal switch
    {
        OtlpSignal.Traces => new ExportTraceServiceResponse().ToByteArray(),
        OtlpSignal.Logs => new ExportLogsServiceResponse().ToByteArray(),
        OtlpSignal.Metrics => new ExportMetricsServiceResponse().ToByteArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "No OTLP message for this signal."),
    };

    public static List<ReceivedSpan> Spans(ExportTraceServiceRequest request)
    {
        var result = new List<ReceivedSpan>();
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var resource = Attributes(resourceSpans.Resource);
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                var scope = Scope(scopeSpans.Scope, scopeSpans.SchemaUrl);
                foreach (var span in scopeSpans.Spans)
                {
                    var events = new List<ReceivedSpanEvent>(span.Events.Count);
                    foreach (var e in span.Events)
                    {
                        events.Add(new ReceivedSpanEvent(e.Name, e.TimeUnixNano, Attributes(e.Attributes)));
                    }

                    var links = new List<ReceivedSpanLink>(span.Links.Count);
                    foreach (var link in span.Links)
                    {
                        links.Add(new ReceivedSpanLink(Hex(link.TraceId) ?? string.Empty, Hex(link.SpanId) ?? string.Empty, link.TraceState, Attributes(link.Attributes)));
                    }

                    result.Add(new ReceivedSpan(
                        span.Name,
                        Kind(span.Kind),
                        Hex(span.TraceId) ?? string.Empty,
                        Hex(span.SpanId) ?? string.Empty,
                        Hex(span.ParentSpanId),
                        span.TraceState,
                        span.Flags,
                        Status(span.Status),
                        span.Status?.Message ?? string.Empty,
                        span.StartTimeUnixNano,
                        span.EndTimeUnixNano,
                        Attributes(span.Attributes),
                        events,
                        links,
                        resource,
                        resourceSpans.SchemaUrl,
                        scope,
                        span));
                }
            }
        }

        return result;
    }

    public static List<ReceivedLogRecord> LogRecords(ExportLogsServiceRequest request)
    {
        var result = new List<ReceivedLogRecord>();
        foreach (var resourceLogs in request.ResourceLogs)
        {
            var resource = Attributes(resourceLogs.Resource);
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                var scope = Scope(scopeLogs.Scope, scopeLogs.SchemaUrl);
                foreach (var record in scopeLogs.LogRecords)
                {
                    var bodyValue = record.Body is null ? null : Value(record.Body);
                    result.Add(new ReceivedLogRecord(
                        bodyValue as string ?? (bodyValue is null ? null : Convert.ToString(bodyValue, CultureInfo.InvariantCulture)),
                        bodyValue,
                        (int)record.SeverityNumber,
                        record.SeverityText,
                        Attributes(record.Attributes),
                        Hex(record.TraceId),
                        Hex(record.SpanId),
                        record.Flags,
                        record.EventName,
                        record.TimeUnixNano,
                        record.ObservedTimeUnixNano,
                        resource,
                        resourceLogs.SchemaUrl,
                        scope,
                        record));
                }
            }
        }

        return result;
    }

    public static List<ReceivedMetricPoint> MetricPoints(ExportMetricsServiceRequest request)
    {
        var result = new List<ReceivedMetricPoint>();
        foreach (var resourceMetrics in request.ResourceMetrics)
        {
            var resource = Attributes(resourceMetrics.Resource);
            foreach (var scopeMetrics in resourceMetrics.ScopeMetrics)
            {
                var scope = Scope(scopeMetrics.Scope, scopeMetrics.SchemaUrl);
                foreach (var metric in scopeMetrics.Metrics)
                {
                    AddPoints(result, metric, resource, resourceMetrics.SchemaUrl, scope);
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Lists the full names of messages in the tree that carried fields the .proto files here do not define.
    /// Google.Protobuf keeps those in a private field; reading it is the only way to notice a field-number slip.
    /// </summary>
    public static List<string> MessagesWithUnknownFields(IMessage message)
    {
        var found = new List<string>();
        CollectUnknown(message, found);
        return found;
    }

    private static void CollectUnknown(IMessage message, List<string> found)
    {
        var unknownField = message.GetType().GetField("_unknownFields", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException($"{message.GetType()} has no _unknownFields field; the generated code changed shape.");
        if (unknownField.GetValue(message) is UnknownFieldSet unknown && unknown.CalculateSize() > 0)
        {
            found.Add(message.Descriptor.FullName);
        }

        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType != FieldType.Message)
            {
                continue;
            }

            var value = field.Accessor.GetValue(message);
            if (field.IsRepeated)
            {
                foreach (var item in (System.Collections.IEnumerable)value)
                {
                    CollectUnknown((IMessage)item, found);
                }
            }
            else if (value is IMessage child)
            {
                CollectUnknown(child, found);
            }
        }
    }

    private static void AddPoints(List<ReceivedMetricPoint> result, Metric metric, IReadOnlyDictionary<string, object?> resource, string resourceSchemaUrl, ReceivedScope scope)
    {
        switch (metric.DataCase)
        {
            case Metric.DataOneofCase.Gauge:
                AddNumberPoints(result, metric, metric.Gauge.DataPoints, OtlpMetricKind.Gauge, null, null, resource, resourceSchemaUrl, scope);
                break;
            case Metric.DataOneofCase.Sum:
                AddNumberPoints(result, metric, metric.Sum.DataPoints, OtlpMetricKind.Sum, metric.Sum.IsMonotonic, metric.Sum.AggregationTemporality.ToString(), resource, resourceSchemaUrl, scope);
                break;
            case Metric.DataOneofCase.Histogram:
                foreach (var point in metric.Histogram.DataPoints)
                {
                    result.Add(new ReceivedMetricPoint(
                        metric.Name, metric.Description, metric.Unit, OtlpMetricKind.Histogram, null, metric.Histogram.AggregationTemporality.ToString(),
                        Attributes(point.Attributes), null, null, point.Count,
                        point.HasSum ? point.Sum : null, point.HasMin ? point.Min : null, point.HasMax ? point.Max : null,
                        [.. point.BucketCounts], [.. point.ExplicitBounds], point.StartTimeUnixNano, point.TimeUnixNano,
                        resource, resourceSchemaUrl, scope, metric));
                }

                break;
            case Metric.DataOneofCase.ExponentialHistogram:
                foreach (var point in metric.ExponentialHistogram.DataPoints)
                {
                    result.Add(new ReceivedMetricPoint(
                        metric.Name, metric.Description, metric.Unit, OtlpMetricKind.ExponentialHistogram, null, metric.ExponentialHistogram.AggregationTemporality.ToString(),
                        Attributes(point.Attributes), null, null, point.Count,
                        point.HasSum ? point.Sum : null, point.HasMin ? point.Min : null, point.HasMax ? point.Max : null,
                        [], [], point.StartTimeUnixNano, point.TimeUnixNano,
                        resource, resourceSchemaUrl, scope, metric));
                }

                break;
            case Metric.DataOneofCase.Summary:
                foreach (var point in metric.Summary.DataPoints)
                {
                    result.Add(new ReceivedMetricPoint(
                        metric.Name, metric.Description, metric.Unit, OtlpMetricKind.Summary, null, null,
                        Attributes(point.Attributes), null, null, point.Count, point.Sum, null, null,
                        [], [], point.StartTimeUnixNano, point.TimeUnixNano,
                        resource, resourceSchemaUrl, scope, metric));
                }

                break;
            default:
                break;
        }
    }

    private static void AddNumberPoints(
        List<ReceivedMetricPoint> result,
        Metric metric,
        RepeatedField<NumberDataPoint> points,
        OtlpMetricKind kind,
        bool? isMonotonic,
        string? temporality,
        IReadOnlyDictionary<string, object?> resource,
        string resourceSchemaUrl,
        ReceivedScope scope)
    {
        foreach (var point in points)
        {
            result.Add(new ReceivedMetricPoint(
                metric.Name, metric.Description, metric.Unit, kind, isMonotonic, temporality,
                Attributes(point.Attributes),
                point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : null,
                point.ValueCase == NumberDataPoint.ValueOneofCase.AsDouble ? point.AsDouble : null,
                null, null, null, null, [], [], point.StartTimeUnixNano, point.TimeUnixNano,
                resource, resourceSchemaUrl, scope, metric));
        }
    }

    private static ReceivedScope Scope(InstrumentationScope? scope, string schemaUrl) =>
        new(scope?.Name ?? string.Empty, scope?.Version ?? string.Empty, schemaUrl, scope is null ? NoAttributes : Attributes(scope.Attributes));

    private static IReadOnlyDictionary<string, object?> Attributes(Resource? resource) =>
        resource is null ? NoAttributes : Attributes(resource.Attributes);

    private static Dictionary<string, object?> Attributes(RepeatedField<KeyValue> attributes)
    {
        // Last one wins on duplicate keys, as most backends do.
        var result = new Dictionary<string, object?>(attributes.Count, StringComparer.Ordinal);
        foreach (var attribute in attributes)
        {
            result[attribute.Key] = attribute.Value is null ? null : Value(attribute.Value);
        }

        return result;
    }

    private static object? Value(AnyValue value) => value.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue,
        AnyValue.ValueOneofCase.BytesValue => value.BytesValue.ToByteArray(),
        AnyValue.ValueOneofCase.ArrayValue => value.ArrayValue.Values.Select(Value).ToArray(),
        AnyValue.ValueOneofCase.KvlistValue => Attributes(value.KvlistValue.Values),
        _ => null,
    };

    private static string? Hex(ByteString id) => id.IsEmpty ? null : Convert.ToHexStringLower(id.Span);

    private static ActivityKind Kind(Span.Types.SpanKind kind) => kind switch
    {
        Span.Types.SpanKind.Server => ActivityKind.Server,
        Span.Types.SpanKind.Client => ActivityKind.Client,
        Span.Types.SpanKind.Producer => ActivityKind.Producer,
        Span.Types.SpanKind.Consumer => ActivityKind.Consumer,
        _ => ActivityKind.Internal,
    };

    private static ActivityStatusCode Status(Status? status) => status?.Code switch
    {
        Proto.Traces.Status.Types.StatusCode.Ok => ActivityStatusCode.Ok,
        Proto.Traces.Status.Types.StatusCode.Error => ActivityStatusCode.Error,
        _ => ActivityStatusCode.Unset,
    };
}
