using Microsoft.AspNetCore.Builder;

namespace ErrorTelemetry.AspNetCore.Internal;

/// <summary>Placeholder seam: the AspNetCore feature adds itself to the request pipeline here.</summary>
internal static class AspNetCorePipeline
{
    public static void Use(IApplicationBuilder app)
    {
    }
}
