using Microsoft.AspNetCore.Routing;

namespace ErrorTelemetry.Health.Internal;

/// <summary>Placeholder seam: the Health feature adds itself to the request pipeline here.</summary>
internal static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
    }
}
