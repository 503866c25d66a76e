using ErrorTelemetry.Examples;
using ErrorTelemetry.Tool.Tests.TestSupport;
using Inventory;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Storefront;

namespace ErrorTelemetry.Tool.Tests;

public sealed class CliTests
{
    private const string CatalogPath = "/_errortelemetry/failures/catalog";

    [Fact]
    public async Task Diff_ExportedCatalogAgainstItsAssembly_ExitsZero()
    {
        using var temp = new TempDirectory();
        var exported = temp.File("storefront.catalog.json");
        Assert.Equal(0, (await ExampleCatalogs.RunAsync("export", "--assembly", ExampleCatalogs.StorefrontAssembly, "-o", exported)).ExitCode);

        var (exitCode, output, _) = await ExampleCatalogs.RunAsync("diff", exported, ExampleCatalogs.StorefrontAssembly);

        Assert.Equal(0, exitCode);
        Assert.Contains("0 breaking change(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_CodeRemovedAndTitleChanged_ExitsOneNamingEach()
    {
        using var temp = new TempDirectory();
        var before = temp.File("before.json");
        await ExampleCatalogs.RunAsync("export", "--assembly", ExampleCatalogs.StorefrontAssembly, "-o", before);
        var after = temp.Write("after.json", File.ReadAllText(before)
            .Replace("\"ORDER_NOT_FOUND\"", "\"ORDER_UNKNOWN\"", StringComparison.Ordinal)
            .Replace("The service is temporarily slow. Please try again.", "Slow.", StringComparison.Ordinal));

        var (exitCode, output, _) = await ExampleCatalogs.RunAsync("diff", before, after);

        Assert.Equal(1, exitCode);
        Assert.Contains("BREAKING ORDER_NOT_FOUND: removed without being deprecated first (ReplacedBy)", output, StringComparison.Ordinal);
        Assert.Contains("BREAKING DEPENDENCY_DB_TIMEOUT: title changed", output, StringComparison.Ordinal);
        Assert.Contains("info     ORDER_UNKNOWN: added", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_RunningServicesCatalogEndpoints_ReportDriftOnlyWhenACodeDiffers()
    {
        await using var storefront = await StartAsync(StorefrontApp.Build, []);
        await using var inventory = await StartAsync(InventoryApp.Build, []);
        await using var drifted = await StartAsync(InventoryApp.Build, ["--ErrorTelemetry:Catalog:OPERATION_TIMEOUT:Retryable", "false"]);
        var key = $"{ExampleTriageAccess.HeaderName}: {ExampleTriageAccess.DefaultKey}";

        var agreeing = await ExampleCatalogs.RunAsync("check", storefront.Url, inventory.Url, "--header", key);
        var drifting = await ExampleCatalogs.RunAsync("check", storefront.Url, drifted.Url, "--header", key);

        Assert.True(agreeing.ExitCode == 0, agreeing.Output + agreeing.Error);
        Assert.Equal(1, drifting.ExitCode);
        Assert.Contains("OPERATION_TIMEOUT: " + storefront.Url + " vs " + drifted.Url + ": retryable changed from 'true' to 'false'", drifting.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_EndpointWithoutCredentials_ExitsTwoSayingWhy()
    {
        await using var storefront = await StartAsync(StorefrontApp.Build, []);

        var (exitCode, _, error) = await ExampleCatalogs.RunAsync("check", storefront.Url, ExampleCatalogs.InventoryAssembly);

        Assert.Equal(2, exitCode);
        Assert.Contains("401", error, StringComparison.Ordinal);
    }

    private static async Task<Service> StartAsync(Func<string[], Action<WebApplicationBuilder>?, WebApplication> build, string[] args)
    {
        var app = build(
        [
            "--urls", "http://127.0.0.1:0",
            "--ErrorTelemetry:ExportOtlp", "false",
            "--Logging:LogLevel:Default", "None",
            .. args,
        ], null);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new Service(app, address.TrimEnd('/') + CatalogPath);
    }

    private sealed class Service(WebApplication app, string url) : IAsyncDisposable
    {
        public string Url { get; } = url;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
