using ErrorTelemetry.Correlation.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ErrorTelemetry.AspNetCore.Internal;

/// <summary>Switches the ErrorTelemetry middleware on; called by <c>UseErrorTelemetry()</c>.</summary>
/// <remarks>
/// The middleware itself is added by <see cref="ErrorTelemetryStartupFilter"/> around the whole pipeline, because
/// <c>WebApplication</c> puts implicit routing, authentication, authorization and the developer exception page
/// ahead of anything the application adds: a 401 or 403 from the implicit authorization middleware would otherwise
/// never reach us. Wherever <c>UseErrorTelemetry()</c> is called, every request passes through the middleware.
/// </remarks>
internal static class AspNetCorePipeline
{
    public static void Use(IApplicationBuilder app)
    {
        var state = app.ApplicationServices.GetService<AspNetCorePipelineState>()
            ?? throw new InvalidOperationException(
                "UseErrorTelemetry() needs the services AddErrorTelemetry() registers: call builder.AddErrorTelemetry() before builder.Build().");
        state.Enabled = true;
    }
}

/// <summary>Whether the application asked for the middleware with <c>UseErrorTelemetry()</c>.</summary>
internal sealed class AspNetCorePipelineState
{
    private volatile bool _enabled;

    public bool Enabled
    {
        get => _enabled;
        set => _enabled = value;
    }
}

/// <summary>Puts the ErrorTelemetry middleware (correlation included) outermost in the request pipeline, ahead of everything the host adds implicitly.</summary>
internal sealed class ErrorTelemetryStartupFilter : IStartupFilter
{
    private readonly RequestFailures _failures;
    private readonly AspNetCorePipelineState _state;

    public ErrorTelemetryStartupFilter(RequestFailures failures, AspNetCorePipelineState state)
    {
        _failures = failures;
        _state = state;
    }

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var correlation = ActivatorUtilities.CreateInstance<CorrelationStep>(app.ApplicationServices);
        app.Use(inner => new ErrorTelemetryMiddleware(inner, _failures, _state, correlation).InvokeAsync);
        next(app);
    };
}
