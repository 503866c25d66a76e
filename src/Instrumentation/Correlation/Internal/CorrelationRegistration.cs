using Microsoft.Extensions.DependencyInjection;

namespace ErrorTelemetry.Correlation.Internal;

/// <summary>Placeholder seam: the Correlation feature registers its services here, called by AddErrorTelemetry().</summary>
internal static class CorrelationRegistration
{
    public static void Register(IServiceCollection services)
    {
    }
}
