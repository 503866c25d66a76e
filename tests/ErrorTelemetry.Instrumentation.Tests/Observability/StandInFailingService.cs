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

namespace ErrorTelemetry.Tests.Observability;

/// <summary>
/// The service the end-to-end alerting test observes: a real Kestrel app on 127.0.0.1 exposing
/// <c>/metrics</c> (MapPrometheusScrapingEndpoint) and <c>GET /fail?code=X</c>, which fails a request with code X.
/// </summary>
/// <remarks>
/// SWAP POINT. This stand-in records errortelemetry.failures itself, with the labels the catalog below assumes. When
/// AddErrorTelemetry() exists, replace <see cref="StartAsync"/>'s body with a host built by
/// <c>builder.Services.AddErrorTelemetry(...)</c> + <c>app.MapPrometheusScrapingEndpoint()</c> and a <c>/fail</c>
/// endpoint that throws an exception the catalog classifies as <c>code</c> (the catalog must give the codes in
/// <see cref="AssumedCatalog"/> the same category and severity). Nothing else in the end-to-end test changes.
/// </remarks>
internal sealed class StandInFailingService : IAsyncDisposable
{
    /// <summary>What the test assumes the error catalog says about the codes it uses.</summary>
    public static readonly IReadOnlyDictionary<string, (string Category, string Severity)> AssumedCatalog =
        new Dictionary<string, (string Category, string Severity)>(StringComparer.Ordinal)
        {
            ["DEPENDENCY_DB_TIMEOUT"] = ("dependency", "critical"),
            ["VALIDATION_FAILED"] = ("validation", "warning"),
        };

    private readonly WebApplication _app;
    private readonly MeterProvider _meterProvider;
    private readonly Meter _meter;

    private StandInFailingService(WebApplication app, MeterProvider meterProvider, Meter meter, Uri baseAddress)
    {
        _app = app;
        _meterProvider = meterProvider;
        _meter = meter;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<StandInFailingService> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));

        var meter = new Meter(ErrorTelemetryVersion.ScopeName, ErrorTelemetryVersion.LibraryVersion);
        var failures = meter.CreateCounter<long>("errortelemetry.failures", "{error}", "Failed operations by error code.");
        var providerBuilder = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("storefront", autoGenerateServiceInstanceId: false))
            .AddMeter(ErrorTelemetryVersion.ScopeName, "Microsoft.AspNetCore.Hosting");
        PrometheusScrape.AddReader(providerBuilder, builder.Services);
        var meterProvider = providerBuilder.Build();

        var app = builder.Build();
        app.MapPrometheusScrapingEndpoint();
        app.MapGet("/fail", (string code) =>
        {
            var (category, severity) = AssumedCatalog[code];
            failures.Add(
                1,
                new KeyValuePair<string, object?>("error.code", code),
                new KeyValuePair<string, object?>("error.category", category),
                new KeyValuePair<string, object?>("error.severity", severity),
                new KeyValuePair<string, object?>("operation", "GET /fail"));
            return Results.Problem(title: code, statusCode: StatusCodes.Status500InternalServerError);
        });
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new StandInFailingService(app, meterProvider, meter, new Uri(address));
    }

    /// <summary>Makes <paramref name="count"/> requests that fail with <paramref name="code"/>.</summary>
    public async Task FailAsync(HttpClient client, string code, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var response = await client.GetAsync(new Uri(BaseAddress, "/fail?code=" + Uri.EscapeDataString(code)));
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _meterProvider.Dispose();
        _meter.Dispose();
    }
}
