using System.Diagnostics;
using ErrorTelemetry.Catalog.Internal;
using ErrorTelemetry.Classification.Internal;
using ErrorTelemetry.Failures.Internal;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Tests.TestSupport;

/// <summary>A span as the exporter received it.</summary>
internal sealed record SpanSnapshot(
    string Name,
    ActivityKind Kind,
    ActivityStatusCode Status,
    string? StatusDescription,
    Dictionary<string, object?> Tags,
    List<(string Name, Dictionary<string, object?> Tags)> Events,
    string TraceId,
    string SpanId)
{
    public static SpanSnapshot From(Activity a)
    {
        var tags = new Dictionary<string, object?>();
        foreach (var t in a.TagObjects)
        {
            tags[t.Key] = t.Value;
        }

        var events = new List<(string, Dictionary<string, object?>)>();
        foreach (var e in a.Events)
        {
            var et = new Dictionary<string, object?>();
            foreach (var t in e.Tags)
            {
                et[t.Key] = t.Value;
            }

            events.Add((e.Name, et));
        }

        return new(a.DisplayName, a.Kind, a.Status, a.StatusDescription, tags, events, a.TraceId.ToHexString(), a.SpanId.ToHexString());
    }

    public object? Tag(string key) => Tags.TryGetValue(key, out var v) ? v : null;

    /// <summary>Everything the exporter could serialize, as one string, for leak searches.</summary>
    public string Dump() =>
        string.Join('\n', [Name, StatusDescription ?? string.Empty, .. Tags.Select(t => $"{t.Key}={t.Value}"), .. Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}.{t.Key}={t.Value}"))]);
}

/// <summary>A log record as the exporter received it (records are pooled, so everything is copied).</summary>
internal sealed record LogSnapshot(
    string? Category,
    LogLevel Level,
    string? Body,
    string? FormattedMessage,
    Dictionary<string, object?> Attributes,
    Exception? Exception,
    string TraceId)
{
    public static LogSnapshot From(LogRecord r)
    {
        var attributes = new Dictionary<string, object?>();
        if (r.Attributes is not null)
        {
            foreach (var kv in r.Attributes)
            {
                attributes[kv.Key] = kv.Value;
            }
        }

        return new(r.CategoryName, r.LogLevel, r.Body, r.FormattedMessage, attributes, r.Exception, r.TraceId.ToHexString());
    }

    public object? Attribute(string key) => Attributes.TryGetValue(key, out var v) ? v : null;

    public string Dump() =>
        string.Join('\n', [Body ?? string.Empty, FormattedMessage ?? string.Empty, Exception?.ToString() ?? string.Empty, .. Attributes.Select(t => $"{t.Key}={t.Value}")]);
}

/// <summary>One data point of a long sum as the metric exporter received it.</summary>
internal sealed record MetricPointSnapshot(string Metric, string? Unit, Dictionary<string, object?> Tags, long Value)
{
    public static List<MetricPointSnapshot> From(Metric metric)
    {
        var points = new List<MetricPointSnapshot>();
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var tags = new Dictionary<string, object?>();
            foreach (var tag in point.Tags)
            {
                tags[tag.Key] = tag.Value;
            }

            points.Add(new(metric.Name, metric.Unit, tags, metric.MetricType == MetricType.LongSum ? point.GetSumLong() : 0));
        }

        return points;
    }
}

/// <summary>
/// A real OpenTelemetry SDK pipeline (tracer, logger and meter providers) with the ErrorTelemetry processors
/// ahead of in-memory exporters. Source and meter names are unique per instance so parallel tests never share data.
/// </summary>
internal sealed class TelemetryPipeline : IDisposable
{
    private readonly MeterProvider _meterProvider;
    private readonly FailureCounter _counter;
    private readonly InMemoryExporter<Metric, List<MetricPointSnapshot>> _metrics = new(MetricPointSnapshot.From);

    public TelemetryPipeline(Action<ErrorTelemetryOptions>? configure = null, bool exporterFirst = false)
    {
        var id = Guid.NewGuid().ToString("N");
        Source = new ActivitySource("ErrorTelemetry.Tests." + id);
        var meterName = "ErrorTelemetry.Tests.Meter." + id;

        var options = new ErrorTelemetryOptions();
        configure?.Invoke(options);
        Catalog = ErrorCatalogFactory.CreateOrThrow(options, contentRoot: null);
        _counter = new FailureCounter(options.MaxFailureSeries, meterName: meterName);
        Recorder = new FailureRecorder(new ExceptionClassifier(Catalog, options), _counter);

        var tracing = Sdk.CreateTracerProviderBuilder().AddSource(Source.Name).SetSampler(new ParentBasedSampler(new AlwaysOnSampler()));
        SpanProcessor = new ErrorSpanProcessor(Recorder);
        var spanExport = new SimpleActivityExportProcessor(Spans);
        TracerProvider = exporterFirst
            ? tracing.AddProcessor(spanExport).AddProcessor(SpanProcessor).Build()
            : tracing.AddProcessor(SpanProcessor).AddProcessor(spanExport).Build();

        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b
            .SetMinimumLevel(LogLevel.Trace)
            .AddOpenTelemetry(o =>
            {
                o.IncludeFormattedMessage = true;
                o.AddProcessor(new ErrorLogProcessor(Recorder, options.CountUncodedErrorLogs));
                o.AddProcessor(new SimpleLogRecordExportProcessor(Logs));
            }));

        _meterProvider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(meterName)
            .AddReader(new BaseExportingMetricReader(_metrics) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative })
            .Build();
    }

    public ActivitySource Source { get; }

    public TracerProvider TracerProvider { get; }

    public ILoggerFactory LoggerFactory { get; }

    public ErrorCatalog Catalog { get; }

    public FailureRecorder Recorder { get; }

    public ErrorSpanProcessor SpanProcessor { get; }

    public InMemoryExporter<Activity, SpanSnapshot> Spans { get; } = new(SpanSnapshot.From);

    public InMemoryExporter<LogRecord, LogSnapshot> Logs { get; } = new(LogSnapshot.From);

    public ILogger Logger(string category = "Tests") => LoggerFactory.CreateLogger(category);

    public SpanSnapshot Span(string name) => Assert.Single(Spans.Items, s => s.Name == name);

    /// <summary>Collects the failure counter and returns its points as the exporter received them.</summary>
    public List<MetricPointSnapshot> FailurePoints()
    {
        _metrics.Clear();
        _meterProvider.ForceFlush();
        var all = new List<MetricPointSnapshot>();
        foreach (var batch in _metrics.Items)
        {
            all.AddRange(batch.Where(p => p.Metric == FailureCounter.InstrumentName));
        }

        return all;
    }

    public long FailureCount(string? code = null) =>
        FailurePoints().Where(p => code is null || Equals(p.Tags[ErrorTelemetryAttributes.Code], code)).Sum(p => p.Value);

    public void Dispose()
    {
        TracerProvider.Dispose();
        LoggerFactory.Dispose();
        _meterProvider.Dispose();
        _counter.Dispose();
        Source.Dispose();
    }
}
