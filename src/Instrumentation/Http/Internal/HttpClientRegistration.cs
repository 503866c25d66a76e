using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Instrumentation.Http;

namespace ErrorTelemetry.Http.Internal;

/// <summary>Adds correlation and downstream-cause tracking to every <c>HttpClient</c> made by <c>IHttpClientFactory</c>.</summary>
internal static class HttpClientRegistration
{
    public static void Register(IServiceCollection services)
    {
        services.ConfigureHttpClientDefaults(static client => client.AddHttpMessageHandler(static sp =>
            new CorrelationHttpHandler(sp.GetRequiredService<IOptions<CorrelationOptions>>().Value.HeaderName)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DownstreamCauseService>());

        // Every instance of the official instrumentation, ours or one the application adds (named ones too): the
        // application's own response enrichment still runs, after ours.
        services.PostConfigureAll<HttpClientTraceInstrumentationOptions>(ClientSpan.Compose);
    }
}
