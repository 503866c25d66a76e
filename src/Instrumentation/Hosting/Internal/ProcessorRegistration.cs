using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Redaction.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Hosting.Internal;

/// <summary>
/// Our span and log processors, registered as one ordered unit at the head of each pipeline: correlation, then
/// failure enrichment, then redaction. They run before any processor or exporter the application configures, in
/// whatever order the application wrote its registrations, so nothing reaches an exporter unredacted.
/// </summary>
internal static class ProcessorRegistration
{
    public static void AddAtHead(IServiceCollection services)
    {
        // The SDK applies provider configuration callbacks in registration order and appends processors as it goes,
        // so callbacks at the head of the collection add the first processors, in the order written below. One move,
        // so the order among ours never depends on which registration ran last.
        MoveToHead(services, static s => s
            .ConfigureOpenTelemetryTracerProvider(static (sp, tracing) =>
            {
                AddSpanProcessors(tracing, sp.GetRequiredService<FailureRecorder>(), sp.GetRequiredService<Redactor>());
            })
            .ConfigureOpenTelemetryLoggerProvider(static (sp, logging) =>
                AddLogProcessors(
                    logging,
                    sp.GetRequiredService<FailureRecorder>(),
                    sp.GetRequiredService<Redactor>(),
                    sp.GetRequiredService<IOptionsMonitor<ErrorTelemetryOptions>>().CurrentValue.CountUncodedErrorLogs)));
    }

    /// <summary>Adds the span processors in their one order, as one processor: correlation, enrichment, redaction.</summary>
    public static TracerProviderBuilder AddSpanProcessors(TracerProviderBuilder tracing, FailureRecorder recorder, Redactor redactor) =>
        tracing.AddProcessor(new OrderedSpanProcessor(recorder, redactor));

    /// <summary>Adds the log processors in their one order, as one processor: correlation, enrichment, redaction.</summary>
    public static LoggerProviderBuilder AddLogProcessors(LoggerProviderBuilder logging, FailureRecorder recorder, Redactor redactor, bool countUncodedErrorLogs = false) =>
        logging.AddProcessor(new OrderedLogProcessor(recorder, redactor, countUncodedErrorLogs));

    /// <summary>Runs a registration and moves what it added, in its order, to the head of the collection.</summary>
    public static void MoveToHead(IServiceCollection services, Action<IServiceCollection> register)
    {
        var before = services.Count;
        register(services);
        var added = new ServiceDescriptor[services.Count - before];
        for (var i = 0; i < added.Length; i++)
        {
            added[i] = services[before + i];
        }

        for (var i = added.Length - 1; i >= 0; i--)
        {
            services.RemoveAt(before + i);
        }

        for (var i = added.Length - 1; i >= 0; i--)
        {
            services.Insert(0, added[i]);
        }
    }
}
