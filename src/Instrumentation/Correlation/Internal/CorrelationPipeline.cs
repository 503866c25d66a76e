using Microsoft.AspNetCore.Builder;

namespace ErrorTelemetry.Correlation.Internal;

/// <summary>Placeholder seam: the Correlation feature adds itself to the request pipeline here.</summary>
internal static class CorrelationPipeline
{
    public static void Use(IApplicationBuilder app)
    {
    }
}
