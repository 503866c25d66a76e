using System.Reflection;
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
    /// Providers registered before or after this call are all covered. A factory another library registered by type
    /// before this call (Microsoft.Extensions.Compliance.Redaction's <c>EnableRedaction()</c>) is kept and built with
    /// the decorated providers; one registered as an instance or a delegate (Serilog, for instance) is left alone and
    /// a warning is logged at start-up. The redaction engine also becomes the fallback <c>Redactor</c> of
    /// Microsoft.Extensions.Compliance.Redaction, so classified data gets the same pseudonym as <c>user.id</c>.
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

        // Classified data (Microsoft.Extensions.Compliance.Redaction) is pseudonymized as user ids are; a redactor the
        // application sets for a classification, or a fallback it sets after this call, wins.
        services.AddRedaction(static redaction => redaction.SetFallbackRedactor<ClassifiedDataRedactor>());

        var existing = services.LastOrDefault(d => d.ServiceType == typeof(ILoggerFactory));
        if (existing is { ImplementationType: { } factoryType } && factoryType != typeof(LoggerFactory) && TakesProviders(factoryType))
        {
            // The descriptor keeps the factory's own type, so a second EnableRedaction() call adds no second factory.
            services.RemoveAll<ILoggerFactory>();
            services.Add(ServiceDescriptor.Singleton(typeof(ILoggerFactory), DecoratingFactory(factoryType)));
            return services;
        }

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

    private static bool TakesProviders(Type factoryType)
    {
        if (!typeof(ILoggerFactory).IsAssignableFrom(factoryType))
        {
            return false;
        }

        foreach (var constructor in factoryType.GetConstructors())
        {
            foreach (var parameter in constructor.GetParameters())
            {
                if (parameter.ParameterType == typeof(IEnumerable<ILoggerProvider>))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // A Func<IServiceProvider, TFactory>: the descriptor's implementation type stays the factory's type.
    private static Func<IServiceProvider, object> DecoratingFactory(Type factoryType)
    {
        var create = typeof(RedactionServiceCollectionExtensions)
            .GetMethod(nameof(CreateDecorated), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(factoryType);
        return (Func<IServiceProvider, object>)create.CreateDelegate(typeof(Func<,>).MakeGenericType(typeof(IServiceProvider), factoryType));
    }

    private static TFactory CreateDecorated<TFactory>(IServiceProvider services)
        where TFactory : class, ILoggerFactory
    {
        var (providers, filters) = RedactingLoggerFactory.DecorateAll(
            services.GetServices<ILoggerProvider>(),
            services.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            services.GetRequiredService<Redactor>());
        var factory = ActivatorUtilities.CreateInstance<TFactory>(services, providers, filters);
        services.GetRequiredService<LogRedactionMarker>().DecoratedFactory = factory;
        return factory;
    }

    private sealed class RedactionMarker;

    internal sealed class LogRedactionMarker
    {
        /// <summary>Gets or sets the other library's logger factory built with decorated providers, if any.</summary>
        public ILoggerFactory? DecoratedFactory { get; set; }
    }
}
