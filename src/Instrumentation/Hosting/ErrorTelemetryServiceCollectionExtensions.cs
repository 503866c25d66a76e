using ErrorTelemetry;
using ErrorTelemetry.AspNetCore.Internal;
using ErrorTelemetry.Correlation.Internal;
using ErrorTelemetry.Health.Internal;
using ErrorTelemetry.Triage.Internal;
using ErrorTelemetry.Configuration.Internal;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Hosting.Internal;
using ErrorTelemetry.Prometheus.Internal;
using ErrorTelemetry.Redaction.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers ErrorTelemetry in a service collection: the catalog, the span and log processors ahead of every
/// exporter, the failure meter, the official ASP.NET Core and HttpClient instrumentations, and OTLP export.
/// </summary>
public static class ErrorTelemetryServiceCollectionExtensions
{
    /// <summary>The configuration section ErrorTelemetry binds its options from.</summary>
    public const string SectionName = "ErrorTelemetry";

    private static readonly string[] NativeMeters =
    [
        ErrorTelemetryVersion.ScopeName,
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.Routing",
        "System.Net.Http",
    ];

    /// <summary>Adds ErrorTelemetry with its options bound from the <c>ErrorTelemetry</c> section of the host's configuration.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The <c>services.AddOpenTelemetry()</c> builder (OpenTelemetry.Extensions.Hosting): add your own sources, meters, processors and exporters with <c>WithTracing</c>, <c>WithMetrics</c> and <c>WithLogging</c>.</returns>
    /// <remarks>Safe to call more than once: later calls only add their configuration.</remarks>
    public static OpenTelemetryBuilder AddErrorTelemetry(this IServiceCollection services) =>
        AddErrorTelemetryCore(services, configuration: null, configure: null, root: null);

    /// <summary>Adds ErrorTelemetry and configures its options in code, after configuration is applied.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options: catalog definitions, mapping rules, limits.</param>
    /// <returns>An OpenTelemetry builder for further configuration.</returns>
    /// <remarks>Safe to call more than once: later calls only add their configuration.</remarks>
    public static OpenTelemetryBuilder AddErrorTelemetry(this IServiceCollection services, Action<ErrorTelemetryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddErrorTelemetryCore(services, configuration: null, configure, root: null);
    }

    /// <summary>Adds ErrorTelemetry with its options bound from the given configuration section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section to bind, instead of the host's <c>ErrorTelemetry</c> section.</param>
    /// <returns>An OpenTelemetry builder for further configuration.</returns>
    /// <remarks>Safe to call more than once: later calls only add their configuration.</remarks>
    public static OpenTelemetryBuilder AddErrorTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddErrorTelemetryCore(services, configuration, configure: null, root: null);
    }

    /// <summary>The host builder's entry point: knows the root configuration, so OTLP keys set there (not only in the environment) count.</summary>
    internal static OpenTelemetryBuilder AddErrorTelemetry(IServiceCollection services, IConfiguration root, string contentRoot, Action<ErrorTelemetryOptions>? configure) =>
        AddErrorTelemetryCore(services, root.GetSection(SectionName), configure, root, contentRoot);

    private static OpenTelemetryBuilder AddErrorTelemetryCore(
        IServiceCollection services,
        IConfiguration? configuration,
        Action<ErrorTelemetryOptions>? configure,
        IConfiguration? root,
        string? contentRoot = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        // The hosting package's builder: it starts the providers with the host (idempotent, in either call order).
        var builder = services.AddOpenTelemetry();
        var first = !services.Any(static d => d.ServiceType == typeof(ErrorTelemetryMarker));

        // Configuration first, code second: a delegate sees (and may override) what configuration set.
        ErrorCatalogServices.Add(services, configuration, contentRoot);
        if (configuration is not null)
        {
            services.AddOptions<ErrorTelemetryHostOptions>().Bind(configuration);
        }
        else if (first)
        {
            services.AddOptions<ErrorTelemetryOptions>().Configure<IConfiguration>(
                static (options, root) => ErrorTelemetryConfiguration.Bind(root.GetSection(SectionName), options));
            services.AddOptions<ErrorTelemetryHostOptions>().BindConfiguration(SectionName);
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (!first)
        {
            return builder;
        }

        services.AddSingleton<ErrorTelemetryMarker>();
        ConfigurationCheck.Register(services, configuration);

        services.TryAddSingleton(static sp => new FailureCounter(
            sp.GetRequiredService<IOptionsMonitor<ErrorTelemetryOptions>>().CurrentValue.MaxFailureSeries,
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton<FailureRecorder>();
        services.AddErrorTelemetryLogRedaction();

        // Head of the collection: our processors are added before any exporter the application registers.
        ProcessorRegistration.AddAtHead(services);
        AspNetCoreRegistration.Register(services);
        CorrelationRegistration.Register(services);
        HealthRegistration.Register(services);
        TriageRegistration.Register(services);

        // First registered, last stopped: flushes after every other hosted service has stopped.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, StopTimeFlush>());

        // Meters are matched by name across the whole process: without this, a second host in the same process
        // (tests, side-by-side hosts) would have its failures and request metrics counted here as well.
        services.ConfigureOpenTelemetryMeterProvider(static (sp, metrics) =>
            metrics.AddView(new OwnInstrumentsOnly(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()).Select));

        // Created while the providers are built, so it is disposed after them and hears their shutdown.
        services.TryAddSingleton(static sp => new ExportDropReporter(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.ConfigureOpenTelemetryTracerProvider(static (sp, _) => sp.GetRequiredService<ExportDropReporter>());
        services.ConfigureOpenTelemetryMeterProvider(static (sp, _) => sp.GetRequiredService<ExportDropReporter>());

        builder
            .ConfigureResource(static r => r.AddDetector(static sp => new ServiceResourceDetector(sp)))
            // The official instrumentations complete the server and client spans (an application that adds them too
            // gets the same single instance per name: the packages guard against duplicate subscriptions).
            .WithTracing(static t => t.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddSource(ErrorTelemetryVersion.ScopeName))
            .WithMetrics(m => PrometheusScrape.AddReader(m.AddMeter(NativeMeters), services))
            .WithLogging();

        if (OtlpExport.IsEnabled(root ?? FindConfiguration(services), configuration))
        {
            // The cross-cutting exporter honours the signal-specific OTEL_EXPORTER_OTLP_{TRACES,METRICS,LOGS}_* too.
            OtlpExport.AddDefaults(root as IConfigurationBuilder, configuration);
            OtlpExport.UseUnlessTheApplicationDoes(builder);
        }

        return builder;
    }

    private static IConfiguration? FindConfiguration(IServiceCollection services)
    {
        // Some hosts register their configuration as an instance (HostApplicationBuilder uses a factory, and passes it
        // in directly); the last registration is the one that is resolved. Without one, the environment is read.
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IConfiguration) && !services[i].IsKeyedService && services[i].ImplementationInstance is IConfiguration configuration)
            {
                return configuration;
            }
        }

        return null;
    }

    private sealed class ErrorTelemetryMarker;
}
