using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using ErrorTelemetry.Tests.TestSupport.Otlp;
using ErrorTelemetry.Tests.TestSupport.Otlp.Proto.Collector;
using ErrorTelemetry.Tests.TestSupport.Otlp.Proto.Traces;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Tests.Otlp;

/// <summary>
/// Proves the test receiver decodes exactly what the real OTLP exporter (1.20.1, http/protobuf) sends.
/// Each test uses its own ActivitySource/Meter/category name so parallel tests cannot feed each other's pipelines.
/// </summary>
public class OtlpTestReceiverTests
{
    // ForceFlush returns as soon as the export is done, so a generous bound costs nothing on a fast machine.
    private const int FlushTimeoutMilliseconds = 30_000;

    [Fact]
    public async Task Spans_RealExporter_DecodesNameKindIdsAttributesEventsLinksStatusResourceAndScope()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        const string SourceName = "OtlpTestReceiverTests.Spans";
        using var source = new ActivitySource(SourceName, "2.1.0");
        using var tracerProvider = Sdk.CreateTracerProviderBuilder()
            .AddSource(SourceName)
            .ConfigureResource(r => r.Clear().AddService("receiver-test", serviceVersion: "9.9.9").AddAttributes([new("deployment.environment.name", "test")]))
            .AddOtlpExporter(o =>
            {
                o.Endpoint = receiver.TracesEndpoint;
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
            })
            .Build();

        var linked = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        string traceId, parentId, childId;
        using (var parent = source.StartActivity("parent-op", ActivityKind.Server)!)
        {
            parent.SetTag("s", "text");
            parent.SetTag("b", true);
            parent.SetTag("i", 42);
            parent.SetTag("l", 5_000_000_000L);
            parent.SetTag("d", 1.5);
            parent.SetTag("sa", new[] { "x", "y" });
            parent.SetTag("ia", new[] { 1, 2, 3 });
            parent.AddEvent(new ActivityEvent("checkpoint", tags: new ActivityTagsCollection { ["step"] = 2, ["note"] = "half" }));
            parent.SetStatus(ActivityStatusCode.Error, "boom");
            traceId = parent.TraceId.ToHexString();
            parentId = parent.SpanId.ToHexString();
            using var child = source.StartActivity("child-op", ActivityKind.Client, parent.Context, links: [new ActivityLink(linked, new ActivityTagsCollection { ["why"] = "retry" })])!;
            childId = child.SpanId.ToHexString();
        }

        Assert.True(tracerProvider.ForceFlush(FlushTimeoutMilliseconds));

        var spans = await receiver.WaitForSpansAsync(s => s.Count >= 2);
        Assert.Equal(2, spans.Count);
        var p = Assert.Single(spans, s => s.Name == "parent-op");
        var c = Assert.Single(spans, s => s.Name == "child-op");

        Assert.Equal(ActivityKind.Server, p.Kind);
        Assert.Equal(traceId, p.TraceId);
        Assert.Equal(parentId, p.SpanId);
        Assert.Null(p.ParentSpanId);
        Assert.Equal(ActivityStatusCode.Error, p.StatusCode);
        Assert.Equal("boom", p.StatusMessage);
        Assert.Equal("text", p.Attributes["s"]);
        Assert.Equal(true, p.Attributes["b"]);
        Assert.Equal(42L, p.Attributes["i"]);
        Assert.Equal(5_000_000_000L, p.Attributes["l"]);
        Assert.Equal(1.5, p.Attributes["d"]);
        Assert.Equal(new object?[] { "x", "y" }, p.Attributes["sa"]);
        Assert.Equal(new object?[] { 1L, 2L, 3L }, p.Attributes["ia"]);
        var e = Assert.Single(p.Events);
        Assert.Equal("checkpoint", e.Name);
        Assert.Equal(2L, e.Attributes["step"]);
        Assert.Equal("half", e.Attributes["note"]);
        Assert.True(p.EndTimeUnixNano >= p.StartTimeUnixNano && p.StartTimeUnixNano > 0);

        Assert.Equal(ActivityKind.Client, c.Kind);
        Assert.Equal(traceId, c.TraceId);
        Assert.Equal(childId, c.SpanId);
        Assert.Equal(parentId, c.ParentSpanId);
        Assert.Equal(ActivityStatusCode.Unset, c.StatusCode);
        var link = Assert.Single(c.Links);
        Assert.Equal(linked.TraceId.ToHexString(), link.TraceId);
        Assert.Equal(linked.SpanId.ToHexString(), link.SpanId);
        Assert.Equal("retry", link.Attributes["why"]);

        Assert.Equal("receiver-test", p.ResourceAttributes["service.name"]);
        Assert.Equal("9.9.9", p.ResourceAttributes["service.version"]);
        Assert.Equal("test", p.ResourceAttributes["deployment.environment.name"]);
        Assert.Equal(SourceName, p.Scope.Name);
        Assert.Equal("2.1.0", p.Scope.Version);

        var request = Assert.Single(receiver.Requests);
        Assert.Equal("/v1/traces", request.Path);
        Assert.Equal(200, request.StatusCode);
        Assert.Equal("application/x-protobuf", request.Header("Content-Type"));
        Assert.StartsWith("OTel-OTLP-Exporter-Dotnet/", request.Header("User-Agent"), StringComparison.Ordinal);
        Assert.Empty(request.MessagesWithUnknownFields);
    }

    [Fact]
    public async Task LogRecords_RealExporter_DecodesBodySeverityAttributesTraceContextAndScope()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        const string Category = "OtlpTestReceiverTests.Logs";
        using var activity = new Activity("log-parent").SetIdFormat(ActivityIdFormat.W3C).Start();
        using (var loggerFactory = LoggerFactory.Create(b => b.AddOpenTelemetry(o =>
        {
            o.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("log-test"));
            o.AddOtlpExporter(x =>
            {
                x.Endpoint = receiver.LogsEndpoint;
                x.Protocol = OtlpExportProtocol.HttpProtobuf;
            });
        })))
        {
            var logger = loggerFactory.CreateLogger(Category);
            logger.LogError(new InvalidOperationException("db down"), "Order {OrderId} failed after {Attempts} attempts", "A-17", 3);
            logger.LogInformation("plain message");
        }

        // Disposing the factory shuts the pipeline down, which flushes the batch synchronously.
        var logs = receiver.LogRecords;
        Assert.Equal(2, logs.Count);
        var error = Assert.Single(logs, l => l.SeverityNumber == 17);
        Assert.Equal("Order {OrderId} failed after {Attempts} attempts", error.Body);
        Assert.Equal(LogLevel.Error, error.LogLevel);
        Assert.Equal("Error", error.SeverityText);
        Assert.Equal("A-17", error.Attributes["OrderId"]);
        Assert.Equal(3L, error.Attributes["Attempts"]);
        // The 1.20.1 exporter sends the exception's short type name, not its full name.
        Assert.Equal("InvalidOperationException", error.Attributes["exception.type"]);
        Assert.Equal("db down", error.Attributes["exception.message"]);
        Assert.Contains("InvalidOperationException: db down", (string)error.Attributes["exception.stacktrace"]!, StringComparison.Ordinal);
        Assert.Equal(activity.TraceId.ToHexString(), error.TraceId);
        Assert.Equal(activity.SpanId.ToHexString(), error.SpanId);
        Assert.Equal(Category, error.Scope.Name);
        Assert.Equal("log-test", error.ResourceAttributes["service.name"]);

        var info = Assert.Single(logs, l => l.LogLevel == LogLevel.Information);
        Assert.Equal("plain message", info.Body);
        Assert.Equal(9, info.SeverityNumber);

        var request = Assert.Single(receiver.Requests);
        Assert.Equal("/v1/logs", request.Path);
        Assert.Empty(request.MessagesWithUnknownFields);
    }

    [Fact]
    public async Task MetricPoints_RealExporter_DecodesCounterSumsHistogramAndGauge()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        const string MeterName = "OtlpTestReceiverTests.Metrics";
        using var meter = new Meter(MeterName, "3.0.0");
        var failures = meter.CreateCounter<long>("test.failures", unit: "{failure}", description: "Failures by code");
        var ratio = meter.CreateCounter<double>("test.ratio");
        var inflight = meter.CreateUpDownCounter<int>("test.inflight");
        var duration = meter.CreateHistogram<double>("test.duration", unit: "s");
        meter.CreateObservableGauge("test.queue", () => 12);
        using var meterProvider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(MeterName)
            .AddOtlpExporter(o =>
            {
                o.Endpoint = receiver.MetricsEndpoint;
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
            })
            .Build();

        failures.Add(3, new KeyValuePair<string, object?>("error.code", "DEPENDENCY_DB_TIMEOUT"));
        failures.Add(4, new KeyValuePair<string, object?>("error.code", "DEPENDENCY_DB_TIMEOUT"));
        failures.Add(1, new KeyValuePair<string, object?>("error.code", "VALIDATION_FAILED"));
        ratio.Add(0.25);
        inflight.Add(5);
        inflight.Add(-2);
        duration.Record(0.1);
        duration.Record(0.2);
        duration.Record(4.0, new KeyValuePair<string, object?>("slow", true));

        Assert.True(meterProvider.ForceFlush(FlushTimeoutMilliseconds));

        var points = receiver.MetricPoints;
        var timeout = Assert.Single(points, m => m.MetricName == "test.failures" && Equals(m.Attributes["error.code"], "DEPENDENCY_DB_TIMEOUT"));
        Assert.Equal(OtlpMetricKind.Sum, timeout.Kind);
        Assert.True(timeout.IsMonotonic);
        Assert.Equal("Cumulative", timeout.Temporality);
        Assert.Equal(7L, timeout.LongValue);
        Assert.Equal("{failure}", timeout.Unit);
        Assert.Equal("Failures by code", timeout.Description);
        Assert.Equal(MeterName, timeout.Scope.Name);
        Assert.Equal("3.0.0", timeout.Scope.Version);
        Assert.Equal(1L, Assert.Single(points, m => m.MetricName == "test.failures" && Equals(m.Attributes["error.code"], "VALIDATION_FAILED")).LongValue);

        var ratioPoint = Assert.Single(points, m => m.MetricName == "test.ratio");
        Assert.Equal(0.25, ratioPoint.DoubleValue);
        Assert.Null(ratioPoint.LongValue);

        var inflightPoint = Assert.Single(points, m => m.MetricName == "test.inflight");
        Assert.Equal(OtlpMetricKind.Sum, inflightPoint.Kind);
        Assert.False(inflightPoint.IsMonotonic);
        Assert.Equal(3, inflightPoint.Value);

        var fast = Assert.Single(points, m => m.MetricName == "test.duration" && m.Attributes.Count == 0);
        Assert.Equal(OtlpMetricKind.Histogram, fast.Kind);
        Assert.Equal(2UL, fast.Count);
        Assert.Equal(0.3, fast.Sum!.Value, 10);
        Assert.Equal(0.1, fast.Min);
        Assert.Equal(0.2, fast.Max);
        Assert.Equal(fast.ExplicitBounds.Count + 1, fast.BucketCounts.Count);
        Assert.Equal(2UL, fast.BucketCounts.Aggregate(0UL, (a, b) => a + b));
        Assert.Equal(1UL, Assert.Single(points, m => m.MetricName == "test.duration" && m.Attributes.ContainsKey("slow")).Count);

        var queue = Assert.Single(points, m => m.MetricName == "test.queue");
        Assert.Equal(OtlpMetricKind.Gauge, queue.Kind);
        Assert.Equal(12L, queue.LongValue);

        var request = Assert.Single(receiver.Requests);
        Assert.Equal("/v1/metrics", request.Path);
        Assert.Empty(request.MessagesWithUnknownFields);
    }

    [Fact]
    public async Task Requests_HeadersAndGzipCompressionInCode_ArriveAndDecode()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        const string SourceName = "OtlpTestReceiverTests.Gzip";
        using var source = new ActivitySource(SourceName);
        using var tracerProvider = Sdk.CreateTracerProviderBuilder()
            .AddSource(SourceName)
            .AddOtlpExporter(o =>
            {
                o.Endpoint = receiver.TracesEndpoint;
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.Headers = "x-api-key=secret-1,x-tenant=acme";
                o.Compression = OtlpExportCompression.GZip;
            })
            .Build();

        using (source.StartActivity("compressed-op"))
        {
        }

        Assert.True(tracerProvider.ForceFlush(FlushTimeoutMilliseconds));

        var request = Assert.Single(await receiver.WaitForRequestsAsync(1));
        Assert.Equal("secret-1", request.Header("x-api-key"));
        Assert.Equal("acme", request.Header("x-tenant"));
        Assert.Equal("gzip", request.Header("Content-Encoding"));
        Assert.Equal(new byte[] { 0x1f, 0x8b }, request.WireBody[..2]);
        Assert.NotEqual(request.WireBody, request.Body);
        Assert.Equal("compressed-op", Assert.Single(receiver.Spans).Name);
    }

    [Fact]
    public async Task Requests_EnvironmentStyleKeys_ExporterAppendsSignalPathAndHonoursHeadersCompression()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        const string SourceName = "OtlpTestReceiverTests.EnvKeys";
        using var source = new ActivitySource(SourceName);

        // The same keys as the OTEL_EXPORTER_OTLP_* environment variables, fed through the builder's own
        // IConfiguration instead of the process environment so parallel tests cannot see them.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "authorization=Bearer abc",
            ["OTEL_EXPORTER_OTLP_COMPRESSION"] = "gzip",
        }).Build();
        using var tracerProvider = Sdk.CreateTracerProviderBuilder()
            .ConfigureServices(services => services.AddSingleton<IConfiguration>(configuration))
            .AddSource(SourceName)
            .AddOtlpExporter()
            .Build();

        using (source.StartActivity("configured-op"))
        {
        }

        Assert.True(tracerProvider.ForceFlush(FlushTimeoutMilliseconds));

        var request = Assert.Single(await receiver.WaitForRequestsAsync(1));
        Assert.Equal("/v1/traces", request.Path);
        Assert.Equal("Bearer abc", request.Header("authorization"));
        Assert.Equal("gzip", request.Header("Content-Encoding"));
        Assert.Equal("configured-op", Assert.Single(receiver.Spans).Name);
    }

    [Fact]
    public async Task WaitForSpansAsync_SpanArrivesLater_ReturnsOnceConditionHolds()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        const string SourceName = "OtlpTestReceiverTests.Wait";
        using var source = new ActivitySource(SourceName);

        // Nothing is flushed: the batch processor exports on its own short schedule and the wait does the synchronizing.
        using var tracerProvider = Sdk.CreateTracerProviderBuilder()
            .AddSource(SourceName)
            .AddOtlpExporter(o =>
            {
                o.Endpoint = receiver.TracesEndpoint;
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.ExportProcessorType = ExportProcessorType.Batch;
                o.BatchExportProcessorOptions.ScheduledDelayMilliseconds = 50;
            })
            .Build();

        var waiting = receiver.WaitForSpansAsync(spans => spans.Any(s => s.Name == "late-op"));
        Assert.False(waiting.IsCompleted);
        using (source.StartActivity("late-op"))
        {
        }

        var spans = await waiting;
        Assert.Equal("late-op", Assert.Single(spans).Name);
    }

    [Fact]
    public async Task WaitUntilAsync_ConditionNeverHolds_ThrowsTimeoutWithSummary()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();

        var ex = await Assert.ThrowsAsync<TimeoutException>(() => receiver.WaitUntilAsync(r => r.Spans.Count > 0, TimeSpan.FromMilliseconds(100)));

        Assert.Contains("Received 0 request(s)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_EmptyTraceRequest_AnswersEmptyProtobufResponse()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        using var client = new HttpClient();
        using var content = new ByteArrayContent(new ExportTraceServiceRequest { ResourceSpans = { new ResourceSpans() } }.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");

        using var response = await client.PostAsync(receiver.TracesEndpoint, content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new ExportTraceServiceResponse(), ExportTraceServiceResponse.Parser.ParseFrom(body));
        Assert.Equal(200, Assert.Single(receiver.Requests).StatusCode);
    }

    [Fact]
    public async Task MessagesWithUnknownFields_SpanWithUndefinedField_NamesTheMessage()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        var span = new Span { Name = "odd", TraceId = ByteString.CopyFrom(new byte[16]), SpanId = ByteString.CopyFrom(new byte[8]) };
        using var spanBytes = new MemoryStream();
        var output = new CodedOutputStream(spanBytes);
        span.WriteTo(output);

        // Field 99 is not in the OTLP Span message; a receiver whose .proto drifted would see real fields this way.
        output.WriteTag(99, WireFormat.WireType.Varint);
        output.WriteInt32(7);
        output.Flush();
        var request = new ExportTraceServiceRequest { ResourceSpans = { new ResourceSpans { ScopeSpans = { new ScopeSpans { Spans = { Span.Parser.ParseFrom(spanBytes.ToArray()) } } } } } };
        using var client = new HttpClient();
        using var content = new ByteArrayContent(request.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");

        using var response = await client.PostAsync(receiver.TracesEndpoint, content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["opentelemetry.proto.trace.v1.Span"], Assert.Single(receiver.Requests).MessagesWithUnknownFields);
        Assert.Equal("odd", Assert.Single(receiver.Spans).Name);
    }

    [Theory]
    [InlineData("POST", "v1/other", "application/x-protobuf", 404)]
    [InlineData("GET", "v1/traces", "application/x-protobuf", 405)]
    [InlineData("POST", "v1/traces", "application/json", 415)]
    [InlineData("POST", "v1/logs", "application/x-protobuf", 400)]
    public async Task HandleAsync_BadRequest_RecordsItWithStatusAndAcceptsNoData(string method, string path, string contentType, int expectedStatus)
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        using var client = new HttpClient();
        using var message = new HttpRequestMessage(new HttpMethod(method), new Uri(receiver.Endpoint, path));

        // 0xFF is an invalid protobuf tag, so a well-routed protobuf POST of it must be rejected as undecodable.
        message.Content = new ByteArrayContent([0xFF, 0xFF, 0xFF]);
        message.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);

        using var response = await client.SendAsync(message);

        Assert.Equal(expectedStatus, (int)response.StatusCode);
        var recorded = Assert.Single(receiver.Requests);
        Assert.Equal(expectedStatus, recorded.StatusCode);
        Assert.Equal("/" + path, recorded.Path);
        Assert.Empty(receiver.Spans);
        Assert.Empty(receiver.LogRecords);
    }

    [Fact]
    public async Task ResponseStatusCode_BackendFailing_RecordsRequestButAcceptsNoSpans()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.ResponseStatusCode = 400;
        const string SourceName = "OtlpTestReceiverTests.Failing";
        using var source = new ActivitySource(SourceName);
        using var tracerProvider = Sdk.CreateTracerProviderBuilder()
            .AddSource(SourceName)
            .AddOtlpExporter(o =>
            {
                o.Endpoint = receiver.TracesEndpoint;
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
            })
            .Build();

        using (source.StartActivity("rejected-op"))
        {
        }

        tracerProvider.ForceFlush(FlushTimeoutMilliseconds);

        var request = Assert.Single(await receiver.WaitForRequestsAsync(1));
        Assert.Equal(400, request.StatusCode);
        Assert.Empty(receiver.Spans);
    }
}
