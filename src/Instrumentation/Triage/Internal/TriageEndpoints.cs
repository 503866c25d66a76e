using Microsoft.AspNetCore.Routing;

namespace ErrorTelemetry.Triage.Internal;

/// <summary>Placeholder seam: the Triage feature adds itself to the request pipeline here.</summary>
internal static class TriageEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
    }
}
