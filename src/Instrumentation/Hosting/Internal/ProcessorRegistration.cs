using ErrorTelemetry.Core.Internal;
using ErrorTelemetry.Logging.Internal;
using ErrorTelemetry.Redaction.Internal;
using ErrorTelemetry.Tracing.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Hosting.Internal;

/// <summary>
/// Adds our span and log processors so they run before any processor or exporter the application configures,
/// whichever order the application wrote them in.
/// </summary>
internal static class ProcessorRegistration
{
    public static void AddAtHead(IServiceCollection services)
    {
        // The SDK applies provider configuration callbacks in registration order and appends processors as it goes,
        // so a callback at the head of the collection adds the first processor.
        MoveToHead(services, static s => s.ConfigureOpenTelemetryTracerProvider(static (sp, tracing) =>
        {
            var hooks = sp.GetRequiredService<ProcessorHooks>();
            tracing.AddProcessor(new ErrorSpanProcessor(sp.GetRequiredService<FailureRecorder>(), hooks.AfterSpan, hooks.RedactText));
        }));
        MoveToHead(services, static s => s.ConfigureOpenTelemetryLoggerProvider(static (sp, logging) =>
            logging.AddProcessor(new ErrorLogProcessor(
                sp.GetRequiredService<FailureRecorder>(),
                sp.GetRequiredService<ProcessorHooks>().AfterLog,
                sp.GetRequiredService<IOptionsMonitor<ErrorTelemetryOptions>>().CurrentValue.CountUncodedErrorLogs))));
    }

    /// <summary>Runs a registration and moves what it added to the head of the collection.</summary>
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

/// <summary>What runs after enrichment on every span and log record (redaction), resolved from the container.</summary>
internal sealed class ProcessorHooks
{
    public Action<System.Diagnostics.Activity>? AfterSpan { get; init; }

    public Action<LogRecord>? AfterLog { get; init; }

    public Func<string, string>? RedactText { get; init; }

    /// <summary>Enrichment first, then redaction: nothing an exporter sees has skipped the redactor.</summary>
    public static ProcessorHooks Redacting(Redactor redactor) => new()
    {
        AfterSpan = activity => ActivityRedaction.Redact(activity, redactor),
        AfterLog = record => LogRecordRedaction.Redact(record, redactor),
        RedactText = redactor.Redact,
    };
}
