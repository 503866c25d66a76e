using Microsoft.AspNetCore.Builder;

namespace ErrorTelemetry.Correlation.Internal;

/// <summary>Adds the correlation middleware; <c>UseErrorTelemetry()</c> calls it first, so every later middleware sees the id.</summary>
internal static class CorrelationPipeline
{
    public static void Use(IApplicationBuilder app) => app.UseMiddleware<CorrelationMiddleware>();
}
