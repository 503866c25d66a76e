using ErrorTelemetry.Prometheus.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Maps the Prometheus scrape endpoint that exposes the ErrorTelemetry MeterProvider's metrics.
/// </summary>
public static class ErrorTelemetryPrometheusEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>GET</c> and <c>HEAD</c> <paramref name="path"/> to a Prometheus scrape endpoint serving the metrics of the MeterProvider that <c>AddErrorTelemetry()</c> configured, e.g.
    /// <c>errortelemetry_failures_total</c> and <c>http_server_request_duration_seconds</c>.
    /// </summary>
    /// <param name="endpoints">The application's endpoint route builder.</param>
    /// <param name="path">The route of the endpoint.</param>
    /// <returns>A builder to add conventions to the endpoint, e.g. <c>RequireHost</c> or <c>RequireAuthorization</c>.</returns>
    /// <remarks>
    /// A scrape whose <c>Accept</c> header prefers <c>application/openmetrics-text; version=1.0.0</c> (as Prometheus
    /// sends it) gets OpenMetrics 1.0; every other scrape gets the text exposition format 0.0.4. Names, types, units and
    /// bucket bounds are those the official <c>OpenTelemetry.Exporter.Prometheus.AspNetCore</c> writes in the same format.
    /// Concurrent scrapes are serialized and share one collection. The endpoint's own requests are excluded from the
    /// <c>http.server.request.duration</c> metric so that scraping does not distort request rates and error ratios.
    /// A scrape answers 503 when the MeterProvider has not been built or was shut down. Throws
    /// <see cref="InvalidOperationException"/> when no scrape reader is registered (ErrorTelemetry was not added to the
    /// services), <see cref="ArgumentNullException"/> or <see cref="ArgumentException"/> for invalid arguments. Call
    /// once per application at startup.
    /// </remarks>
    public static IEndpointConventionBuilder MapErrorTelemetryPrometheusEndpoint(this IEndpointRouteBuilder endpoints, string path = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);

        var reader = endpoints.ServiceProvider.GetService<PrometheusScrapeReader>()
            ?? throw new InvalidOperationException(
                "No Prometheus scrape reader is registered. Call builder.Services.AddErrorTelemetry() before mapping the scrape endpoint.");

        // A MeterProvider registered in the container is created lazily; without this, scrapes would answer 503 until
        // something else happened to resolve it.
        _ = endpoints.ServiceProvider.GetService<MeterProvider>();

        return endpoints
            .MapMethods(path, [HttpMethods.Get, HttpMethods.Head], context => WriteScrapeAsync(context, reader))
            .WithDisplayName("Prometheus scrape")
            .DisableHttpMetrics();
    }

    private static async Task WriteScrapeAsync(HttpContext context, PrometheusScrapeReader reader)
    {
        var format = PrometheusContentNegotiation.Choose(context.Request.Headers.Accept);
        var payload = await reader.ScrapeAsync(format, context.RequestAborted).ConfigureAwait(false);
        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        response.Headers.Vary = "Accept";
        if (payload is null)
        {
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync("Metrics are unavailable: the MeterProvider is not running.\n", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = PrometheusContentNegotiation.ContentType(format);
        response.ContentLength = payload.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(payload, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
