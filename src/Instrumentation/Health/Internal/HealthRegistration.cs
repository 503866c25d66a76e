using Microsoft.Extensions.DependencyInjection;

namespace ErrorTelemetry.Health.Internal;

/// <summary>Placeholder seam: the Health feature registers its services here, called by AddErrorTelemetry().</summary>
internal static class HealthRegistration
{
    public static void Register(IServiceCollection services)
    {
    }
}
