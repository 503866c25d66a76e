using Microsoft.Extensions.DependencyInjection;

namespace ErrorTelemetry.Triage.Internal;

/// <summary>Placeholder seam: the Triage feature registers its services here, called by AddErrorTelemetry().</summary>
internal static class TriageRegistration
{
    public static void Register(IServiceCollection services)
    {
    }
}
