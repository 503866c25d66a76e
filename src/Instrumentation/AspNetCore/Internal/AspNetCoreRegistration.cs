using Microsoft.Extensions.DependencyInjection;

namespace ErrorTelemetry.AspNetCore.Internal;

/// <summary>Placeholder seam: the AspNetCore feature registers its services here, called by AddErrorTelemetry().</summary>
internal static class AspNetCoreRegistration
{
    public static void Register(IServiceCollection services)
    {
    }
}
