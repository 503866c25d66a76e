using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;

namespace ErrorTelemetry.Hosting.Internal;

/// <summary>
/// The builder <c>AddErrorTelemetry()</c> returns: the SDK's <c>WithTracing</c>, <c>WithMetrics</c> and
/// <c>WithLogging</c> extensions work on it, which is all the hosting package's builder provided.
/// </summary>
internal sealed class ErrorTelemetryOpenTelemetryBuilder : IOpenTelemetryBuilder
{
    public ErrorTelemetryOpenTelemetryBuilder(IServiceCollection services)
    {
        Services = services;
    }

    public IServiceCollection Services { get; }
}
