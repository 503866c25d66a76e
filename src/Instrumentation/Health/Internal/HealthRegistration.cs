using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ErrorTelemetry.Health.Internal;

/// <summary>Registers the health options, the health-check service and the probe filter; called by AddErrorTelemetry().</summary>
internal static class HealthRegistration
{
    public static void Register(IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<ErrorTelemetryHealthOptions, HealthOptionsValidator>()
            .BindConfiguration(ErrorTelemetryHealthOptions.SectionName);

        // With no checks registered, readiness answers Healthy; the application adds its own with AddHealthChecks().AddCheck(...).
        services.AddHealthChecks();
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, HealthRequestFilter>());
    }
}
