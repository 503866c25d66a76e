using System.Globalization;
using System.Runtime.InteropServices;
using Demo;

// The ErrorTelemetry demo: two services (storefront → inventory), each its own process using nothing but
// AddErrorTelemetry(), a traffic generator exercising their failure paths, and a live view of failures by code.
// Traces and logs go to the Aspire dashboard, started from its NuGet package (--no-dashboard: none), or to your own
// OTLP endpoint (--otlp-endpoint URL, or OTEL_EXPORTER_OTLP_ENDPOINT).
DemoOptions options;
try
{
    options = DemoOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

// The children run in sessions of their own (so Ctrl+C reaches only the demo): a closed terminal or a SIGTERM must
// stop them the same clean way, or they would outlive the demo.
using var hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

foreach (var (name, url, option) in new[] { ("storefront", options.StorefrontUrl, "--storefront-url"), ("inventory", options.InventoryUrl, "--inventory-url") })
{
    var uri = new Uri(url);
    if (uri.IsLoopback && !DashboardProcess.IsFree(uri.Port))
    {
        Console.Error.WriteLine($"Port {uri.Port} for the {name} service is in use by another program (address already in use). Stop that program, or pick another port: {option} http://127.0.0.1:{uri.Port + 1000}");
        return 2;
    }
}

// The services' console logs would scroll the live view away; their logs still go to OTLP when it is on.
string[] quiet = ["--Logging:Console:LogLevel:Default=None"];
var storefrontEnvironment = new Dictionary<string, string>(StringComparer.Ordinal)
{
    // Log records read as sentences in a viewer, not as message templates.
    ["Logging__OpenTelemetry__IncludeFormattedMessage"] = "true",
};
var inventoryEnvironment = new Dictionary<string, string>(storefrontEnvironment, StringComparer.Ordinal);
DashboardProcess? dashboard = null;
string exporting;
if (options.OtlpEndpoint is { } endpoint)
{
    storefrontEnvironment["OTEL_EXPORTER_OTLP_ENDPOINT"] = inventoryEnvironment["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint;
    exporting = $"OTLP to {endpoint}";
}
else if (Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 } inherited)
{
    exporting = $"OTLP to {inherited} (OTEL_EXPORTER_OTLP_ENDPOINT)";
}
else if (!options.Dashboard)
{
    exporting = "none (--no-dashboard; --otlp-endpoint URL sends to your own backend)";
}
else if (DashboardProcess.Find(out var whyNot) is not { } dashboardPath)
{
    exporting = $"none ({whyNot}; --otlp-endpoint URL sends to your own backend)";
}
else
{
    Console.WriteLine("Starting the Aspire dashboard…");
    try
    {
        dashboard = await DashboardProcess.StartAsync(dashboardPath, stop.Token).ConfigureAwait(false);
        // One service per OTLP protocol: storefront over HTTP (protobuf), inventory over gRPC.
        storefrontEnvironment["OTEL_EXPORTER_OTLP_ENDPOINT"] = dashboard.OtlpHttp.ToString();
        storefrontEnvironment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        inventoryEnvironment["OTEL_EXPORTER_OTLP_ENDPOINT"] = dashboard.OtlpGrpc.ToString();
        inventoryEnvironment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc";
        storefrontEnvironment["ErrorTelemetry__Triage__TraceLinkTemplate"] = inventoryEnvironment["ErrorTelemetry__Triage__TraceLinkTemplate"] = dashboard.TraceLinkTemplate;
        exporting = $"OTLP to the Aspire dashboard at {dashboard.Url}";
    }
    catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
    {
        exporting = $"none ({ex.Message}; the demo goes on without it)";
    }
}

using (dashboard)
{
    Console.WriteLine("Starting the inventory and storefront services…");
    ServiceProcess inventory;
    ServiceProcess storefront;
    try
    {
        inventory = await ServiceProcess.StartAsync("Inventory", new Uri(options.InventoryUrl), quiet, inventoryEnvironment, stop.Token).ConfigureAwait(false);
        storefront = await ServiceProcess.StartAsync("Storefront", new Uri(options.StorefrontUrl), [.. quiet, "--Inventory:BaseUrl", options.InventoryUrl], storefrontEnvironment, stop.Token).ConfigureAwait(false);
    }
    catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
    {
        Console.Error.WriteLine(ex.Message);
        Console.Error.WriteLine("If another program uses the ports, pick others: --storefront-url http://127.0.0.1:6080 --inventory-url http://127.0.0.1:6081");
        return 2;
    }
    catch (OperationCanceledException)
    {
        return 130;
    }

    // Services stop before the dashboard (leaving this block), so their last telemetry still reaches it.
    await using (inventory.ConfigureAwait(false))
    await using (storefront.ConfigureAwait(false))
    {
        if (options.Duration > TimeSpan.Zero)
        {
            stop.CancelAfter(options.Duration);
        }

        var traffic = new TrafficGenerator(storefront.Url, options.RequestsPerSecond);
        var view = new LiveView([(storefront.Name.ToLowerInvariant(), storefront.Url), (inventory.Name.ToLowerInvariant(), inventory.Url)], () => traffic.Sent, exporting, dashboard?.Url);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Storefront on {storefront.Url}, inventory on {inventory.Url}; sending {options.RequestsPerSecond} requests/s."));
        await Task.WhenAll(traffic.RunAsync(stop.Token), view.RunAsync(options.Refresh, stop.Token)).ConfigureAwait(false);

        // One last, complete picture, then a clean stop: the services flush their telemetry on the way out.
        await view.RenderAsync(CancellationToken.None).ConfigureAwait(false);
    }
}

Console.WriteLine("Demo stopped.");
return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
