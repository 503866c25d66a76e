using ErrorTelemetry.Classification.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Configuration.Internal;

/// <summary>Registers the options, their start-up validation, the catalog and the classifier with a service collection.</summary>
internal static class ErrorCatalogServices
{
    /// <summary>
    /// Registers <see cref="ErrorTelemetryOptions"/> (bound from <paramref name="section"/> when given, validated on
    /// start), and singletons of <see cref="ErrorCatalog"/> and <see cref="ExceptionClassifier"/> built from them.
    /// Safe to call more than once; the section is bound once per call.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The <c>ErrorTelemetry</c> configuration section, or <see langword="null"/>.</param>
    /// <param name="contentRoot">The directory a relative catalog file path is resolved against; <see langword="null"/> for the application's base directory.</param>
    /// <returns>The options builder, for further configuration.</returns>
    public static OptionsBuilder<ErrorTelemetryOptions> Add(IServiceCollection services, IConfiguration? section, string? contentRoot)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<ErrorTelemetryOptions>();
        if (section is not null)
        {
            builder.Configure(options => ErrorTelemetryConfiguration.Bind(section, options));
        }

        builder.ValidateOnStart();
        // One validator for the container, found again by the catalog factory: the catalog validation built is the
        // catalog. Everything reads the monitor's instance, the one start-up validation saw (IOptions<T> would create,
        // and validate, an instance of its own).
        if (!services.Any(static d => d.ServiceType == typeof(ErrorTelemetryOptionsValidator)))
        {
            var validator = new ErrorTelemetryOptionsValidator(contentRoot);
            services.AddSingleton(validator);
            services.AddSingleton<IValidateOptions<ErrorTelemetryOptions>>(validator);
        }

        services.TryAddSingleton(static sp => sp.GetRequiredService<ErrorTelemetryOptionsValidator>()
            .CatalogFor(sp.GetRequiredService<IOptionsMonitor<ErrorTelemetryOptions>>().CurrentValue));
        services.TryAddSingleton(sp => new ExceptionClassifier(
            sp.GetRequiredService<ErrorCatalog>(),
            sp.GetRequiredService<IOptionsMonitor<ErrorTelemetryOptions>>().CurrentValue));
        return builder;
    }
}
