using ErrorTelemetry;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The one line at host start-up: <c>builder.AddErrorTelemetry();</c>
/// </summary>
public static class ErrorTelemetryHostApplicationBuilderExtensions
{
    /// <summary>
    /// Adds ErrorTelemetry to the host: the error catalog, span and log processors ahead of every exporter, the
    /// failure meter, native ASP.NET Core and HttpClient telemetry, and OTLP export when an endpoint is configured.
    /// Options bind from the <c>ErrorTelemetry</c> configuration section and are validated when the host starts.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="configure">Optional code configuration (catalog definitions, mapping rules), applied after configuration.</param>
    /// <returns>The <c>services.AddOpenTelemetry()</c> builder (OpenTelemetry.Extensions.Hosting): add your own sources, meters, processors and exporters with <c>WithTracing</c>, <c>WithMetrics</c> and <c>WithLogging</c>.</returns>
    /// <remarks>Safe to call more than once: later calls only add their configuration.</remarks>
    public static OpenTelemetryBuilder AddErrorTelemetry(this IHostApplicationBuilder builder, Action<ErrorTelemetryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return ErrorTelemetryServiceCollectionExtensions.AddErrorTelemetry(builder.Services, builder.Configuration, builder.Environment.ContentRootPath, configure);
    }
}
