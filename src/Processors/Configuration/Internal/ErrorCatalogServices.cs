using ErrorTelemetry.Catalog.Internal;
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
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ErrorTelemetryOptions>>(new ErrorTelemetryOptionsValidator(contentRoot)));
        services.TryAddSingleton(sp => ErrorCatalogFactory.CreateOrThrow(sp.GetRequiredService<IOptions<ErrorTelemetryOptions>>().Value, contentRoot));
        services.TryAddSingleton(sp => new ExceptionClassifier(
            sp.GetRequiredService<ErrorCatalog>(),
            sp.GetRequiredService<IOptions<ErrorTelemetryOptions>>().Value));
        return builder;
    }
}
