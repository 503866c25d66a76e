using System.Diagnostics;
using ErrorTelemetry.Classification.Internal;
using ErrorTelemetry.Core.Internal;
using ErrorTelemetry.Logging.Internal;
using ErrorTelemetry.Metrics.Internal;
using ErrorTelemetry.Tracing.Internal;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Benchmarks.Support;

/// <summary>
/// Builds the two pipelines each benchmark pair compares: the bare SDK with a batch exporter to a no-op exporter,
/// and the same with the ErrorTelemetry processors ahead of it. Each benchmark method runs in its own process,
/// so the bare case never pays for anything ErrorTelemetry installs.
/// </summary>
internal static class Pipelines
{
    public static FailureRecorder CreateRecorder(string meterName)
    {
        var catalog = new ErrorCatalog(BuiltInErrors.All());
        return new FailureRecorder(new ExceptionClassifier(catalog), new FailureCounter(2000, meterName: meterName));
    }

    public static TracerProvider Tracing(string source, FailureRecorder? recorder, Action<Activity>? afterSpan = null)
    {
        var builder = Sdk.CreateTracerProviderBuilder().AddSource(source).SetSampler(new AlwaysOnSampler());
        if (recorder is not null)
        {
            builder.AddProcessor(new ErrorSpanProcessor(recorder, afterSpan));
        }

        return builder.AddProcessor(new BatchActivityExportProcessor(new NoopExporter<Activity>())).Build();
    }

    public static ILoggerFactory Logging(FailureRecorder? recorder, Action<LogRecord>? afterLog = null) =>
        LoggerFactory.Create(b => b.AddOpenTelemetry(o =>
        {
            if (recorder is not null)
            {
                o.AddProcessor(new ErrorLogProcessor(recorder, afterLog));
            }

            o.AddProcessor(new BatchLogRecordExportProcessor(new NoopExporter<LogRecord>()));
        }));
}
