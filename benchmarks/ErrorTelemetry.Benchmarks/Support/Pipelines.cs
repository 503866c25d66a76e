using System.Diagnostics;
using ErrorTelemetry.Classification.Internal;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Hosting.Internal;
using ErrorTelemetry.Redaction.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Benchmarks.Support;

/// <summary>
/// Builds the two pipelines each benchmark pair compares: the bare SDK with a batch exporter to a no-op exporter,
/// and the same with the ErrorTelemetry processors (and the redaction the host adds) ahead of it. Each benchmark
/// method runs in its own process, so the bare case never pays for anything ErrorTelemetry installs.
/// </summary>
internal static class Pipelines
{
    // The host's meter provider listens to the failure counter; without a listener Counter.Add returns at once and
    // the failure pairs would leave out the SDK's aggregation of every failure they count. One per benchmark process
    // (BenchmarkDotNet runs each case in its own), alive until it exits.
    private static MeterProvider? _failureMetrics;

    /// <summary>Our failure recorder, its counter listened to by a meter provider as in a host.</summary>
    public static FailureRecorder CreateRecorder(string meterName)
    {
        _failureMetrics ??= Sdk.CreateMeterProviderBuilder()
            .AddMeter(meterName)
            .AddReader(new BaseExportingMetricReader(new NoopExporter<Metric>()))
            .Build();
        var catalog = new ErrorCatalog(BuiltInErrors.All());
        return new FailureRecorder(new ExceptionClassifier(catalog), new FailureCounter(2000, meterName: meterName));
    }

    /// <summary>A tracer provider; with <paramref name="recorder"/>, our span processor is added first, as the host does.</summary>
    public static TracerProvider Tracing(string source, FailureRecorder? recorder, Redactor? redactor = null)
    {
        var builder = Sdk.CreateTracerProviderBuilder().AddSource(source).SetSampler(new AlwaysOnSampler());
        if (recorder is not null && redactor is not null)
        {
            ProcessorRegistration.AddSpanProcessors(builder, recorder, redactor);
        }
        else if (recorder is not null)
        {
            builder.AddProcessor(new ErrorSpanProcessor(recorder));
        }

        return builder.AddProcessor(new BatchActivityExportProcessor(new NoopExporter<Activity>())).Build();
    }

    /// <summary>
    /// A logger factory from a service container, as in a host. With ErrorTelemetry, the container also gets what
    /// <c>AddErrorTelemetry()</c> adds to the log path: the redacting <see cref="ILoggerFactory"/> around every
    /// provider, and our log processor (enrichment, then redaction) ahead of the exporter. The exporter is a no-op
    /// behind a batch processor, or, with <paramref name="rendering"/>, a <see cref="RenderingLogExporter"/> called
    /// synchronously on the logging thread, so that what an exporter renders is part of the measured time.
    /// </summary>
    public static ServiceProvider Logging(bool withErrorTelemetry, bool rendering = false)
    {
        var services = new ServiceCollection();
        services.AddLogging(static b => b.AddOpenTelemetry());
        if (withErrorTelemetry)
        {
            services.AddErrorTelemetryLogRedaction();
            services.ConfigureOpenTelemetryLoggerProvider(static (sp, logging) =>
                ProcessorRegistration.AddLogProcessors(logging, CreateRecorder("Bench.Meter"), sp.GetRequiredService<Redactor>()));
        }

        services.ConfigureOpenTelemetryLoggerProvider(logging => logging.AddProcessor(rendering
            ? new SimpleLogRecordExportProcessor(new RenderingLogExporter())
            : new BatchLogRecordExportProcessor(new NoopExporter<LogRecord>())));
        return services.BuildServiceProvider();
    }
}
