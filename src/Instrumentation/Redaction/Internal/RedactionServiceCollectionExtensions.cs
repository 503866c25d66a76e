using ErrorTelemetry.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>Registers the redaction engine and the logging-provider redaction in a host.</summary>
internal static class RedactionServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RedactionOptions"/> bound from <see cref="RedactionOptions.SectionName"/> (when an
    /// <see cref="IConfiguration"/> is registered) and validated at start-up, the <see cref="Redactor"/> singleton
    /// built from them, and a start-up check that logs the redaction warnings once. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddErrorTelemetryRedaction(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(RedactionMarker)))
        {
            return services;
        }

        services.AddSingleton<RedactionMarker>();
        services.AddOptionsWithValidateOnStart<RedactionOptions, RedactionOptionsValidator>();
        services.AddSingleton<IConfigureOptions<RedactionOptions>>(sp => new ConfigureNamedOptions<RedactionOptions>(
            Options.DefaultName,
            options => sp.GetService<IConfiguration>()?.GetSection(RedactionOptions.SectionName).Bind(options)));
        services.TryAddSingleton(sp => new Redactor(sp.GetRequiredService<IOptions<RedactionOptions>>().Value));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RedactionStartupCheck>());
        return services;
    }

    /// <summary>
    /// Replaces the host's <see cref="ILoggerFactory"/> with one whose logging providers are decorated with
    /// redaction (see <see cref="RedactingLoggerFactory"/>); also calls <see cref="AddErrorTelemetryRedaction"/>.
    /// Providers registered before or after this call are all covered. When the factory was already replaced by
    /// another library (Serilog, for instance) it is left alone and a warning is logged at start-up.
    /// </summary>
    public static IServiceCollection AddErrorTelemetryLogRedaction(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddLogging();
        services.AddErrorTelemetryRedaction();
        if (services.Any(d => d.ServiceType == typeof(LogRedactionMarker)))
        {
            return services;
        }

        services.AddSingleton<LogRedactionMarker>();
        var existing = services.LastOrDefault(d => d.ServiceType == typeof(ILoggerFactory));
        if (existing is not null && existing.ImplementationType != typeof(LoggerFactory))
        {
            ErrorTelemetryEventSource.Log.ConfigurationWarning(
                $"ILoggerFactory is registered as {existing.ImplementationType?.FullName ?? "a custom factory"}; "
                + "ErrorTelemetry cannot redact what its logging providers write.");
            return services;
        }

        services.RemoveAll<ILoggerFactory>();
        services.AddSingleton<ILoggerFactory>(sp => new RedactingLoggerFactory(
            sp.GetServices<ILoggerProvider>(),
            sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            sp.GetService<IOptions<LoggerFactoryOptions>>(),
            sp.GetService<IExternalScopeProvider>(),
            sp.GetRequiredService<Redactor>()));
        return services;
    }

    private sealed class RedactionMarker;

    internal sealed class LogRedactionMarker;
}
