using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Storefront;

namespace ErrorTelemetry.Tests.Observability;

/// <summary>
/// The real example storefront (<see cref="StorefrontApp.Build"/>, exactly as <c>examples/Storefront</c> runs it) in
/// this process, on Kestrel at 127.0.0.1 and a port the server picks. Disposing it stops the host.
/// </summary>
/// <remarks>
/// Only command-line settings differ from a normal run: the address, an inventory address nothing listens on (the
/// requests the tests drive never call the inventory), OTLP export off and console logging silenced.
/// </remarks>
internal sealed class RunningStorefront : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningStorefront(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<RunningStorefront> StartAsync()
    {
        var app = StorefrontApp.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--Inventory:BaseUrl", $"http://127.0.0.1:{ExternalTool.GetFreeTcpPort()}",
            "--ErrorTelemetry:ExportOtlp", "false",
            "--Logging:Console:LogLevel:Default", "None",
        ]);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        // Port 0 in --urls: Kestrel bound a free port, and the addresses feature reports which one.
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new RunningStorefront(app, new Uri(address));
    }

    /// <summary>Sends <paramref name="request"/> and asserts the status and the problem code the caller got.</summary>
    public async Task ExpectAsync(HttpClient client, HttpRequestMessage request, HttpStatusCode status, string? code)
    {
        request.RequestUri = new Uri(BaseAddress, request.RequestUri!);
        var described = $"{request.Method} {request.RequestUri.PathAndQuery}";
        using (request)
        using (var response = await client.SendAsync(request))
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"{described} -> {(int)response.StatusCode}, expected {(int)status}: {body}");
            if (code is not null)
            {
                using var problem = JsonDocument.Parse(body);
                Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
            }
        }
    }

    public static HttpRequestMessage Get(string pathAndQuery) => new(HttpMethod.Get, new Uri(pathAndQuery, UriKind.Relative));

    public static HttpRequestMessage Post(string path, object body) =>
        new(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
