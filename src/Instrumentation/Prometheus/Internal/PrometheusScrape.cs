using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace ErrorTelemetry.Prometheus.Internal;

/// <summary>
/// Attaches the scrape reader to a MeterProvider and makes the same instance resolvable from the application's
/// services, where <c>MapErrorTelemetryPrometheusEndpoint</c> looks for it.
/// </summary>
internal static class PrometheusScrape
{
    /// <summary>
    /// Registers one <see cref="PrometheusScrapeReader"/> as a singleton instance in <paramref name="services"/> and
    /// adds it to <paramref name="builder"/>. A second call with the same services returns the registered reader and
    /// does not add it again (a reader belongs to exactly one MeterProvider).
    /// </summary>
    /// <remarks>
    /// The instance, not a factory, is registered: the MeterProvider may be built from its own service container
    /// (<c>Sdk.CreateMeterProviderBuilder()</c>), and both sides must see the same reader. Not thread-safe (call at
    /// startup). Throws <see cref="ArgumentNullException"/> for null arguments.
    /// </remarks>
    public static PrometheusScrapeReader AddReader(
        MeterProviderBuilder builder,
        IServiceCollection services,
        TimeSpan responseCacheDuration = default,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(services);

        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(PrometheusScrapeReader) && descriptor.ImplementationInstance is PrometheusScrapeReader existing)
            {
                return existing;
            }
        }

        var reader = new PrometheusScrapeReader(timeProvider, responseCacheDuration);
        services.AddSingleton(reader);
        builder.AddReader(reader);
        return reader;
    }
}
