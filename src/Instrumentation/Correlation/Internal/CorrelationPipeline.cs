using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ErrorTelemetry.Correlation.Internal;

/// <summary>
/// Builds the correlation step of the request pipeline. The ErrorTelemetry startup filter puts it outermost, so the
/// answers of the host's implicit middleware (a 401 or 403 from authorization) carry the correlation id too.
/// </summary>
internal static class CorrelationPipeline
{
    public static RequestDelegate Create(IServiceProvider services, RequestDelegate next) =>
        ActivatorUtilities.CreateInstance<CorrelationMiddleware>(services, next).InvokeAsync;
}
