using System.Diagnostics.Metrics;
using System.Net;
using ErrorTelemetry.Prometheus.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ErrorTelemetry.Tests.Prometheus;

/// <summary>
/// A real Kestrel app on 127.0.0.1 (free port) with the scrape reader attached to a MeterProvider that listens to a
/// test-unique meter and to ASP.NET Core's hosting meter.
/// </summary>
internal sealed class ScrapeTestApp : IAsyncDisposable
{
    private ScrapeTestApp(WebApplication app, MeterProvider? provider, Meter meter, HttpClient client)
    {
        App = app;
        Provider = provider;
        Meter = meter;
        Client = client;
    }

    public WebApplication App { get; }

    public MeterProvider? Provider { get; }

    public Meter Meter { get; }

    public HttpClient Client { get; }

    public static async Task<ScrapeTestApp> StartAsync(
        Action<WebApplication>? map = null,
        bool buildProvider = true,
        bool registerReader = true,
        bool providerInContainer = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));

        var meter = new Meter("ErrorTelemetry.Tests." + Guid.NewGuid().ToString("N")[..8]);
        var providerBuilder = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("storefront", serviceInstanceId: "i-1", autoGenerateServiceInstanceId: false))
            .AddMeter(meter.Name, "Microsoft.AspNetCore.Hosting");
        if (registerReader)
        {
            PrometheusScrape.AddReader(providerBuilder, builder.Services);
        }

        MeterProvider? provider = null;
        if (providerInContainer)
        {
            // Like a host that registers the provider lazily: nothing but the scrape endpoint resolves it.
            builder.Services.AddSingleton(_ => providerBuilder.Build());
        }
        else if (buildProvider)
        {
            provider = providerBuilder.Build();
        }

        var app = builder.Build();
        map?.Invoke(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        return new ScrapeTestApp(app, provider, meter, client);
    }

    public static void MapOrders(WebApplication app)
    {
        app.MapErrorTelemetryPrometheusEndpoint();
        app.MapGet("/orders/{id}", (int id) => id == 0 ? Results.StatusCode(StatusCodes.Status500InternalServerError) : Results.Ok());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Provider?.Dispose();
        Meter.Dispose();
    }
}
