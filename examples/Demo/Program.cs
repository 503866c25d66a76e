using System.Globalization;
using Demo;

// The ErrorTelemetry demo: two services (storefront → inventory), each its own process using nothing but
// AddErrorTelemetry(), a traffic generator exercising their failure paths, and a live view of failures by code.
// No backend needed; with OTEL_EXPORTER_OTLP_ENDPOINT set, the services also export to that backend.
var options = DemoOptions.Parse(args);
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

// The services' console logs would scroll the live view away; their logs still go to OTLP when it is on.
string[] quiet = ["--Logging:Console:LogLevel:Default=None"];
ServiceProcess inventory;
ServiceProcess storefront;
try
{
    inventory = await ServiceProcess.StartAsync("Inventory", new Uri(options.InventoryUrl), quiet, stop.Token).ConfigureAwait(false);
    storefront = await ServiceProcess.StartAsync("Storefront", new Uri(options.StorefrontUrl), [.. quiet, "--Inventory:BaseUrl", options.InventoryUrl], stop.Token).ConfigureAwait(false);
}
catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine("If another program uses the ports, pick others: --storefront-url http://127.0.0.1:6080 --inventory-url http://127.0.0.1:6081");
    return 2;
}

await using (inventory.ConfigureAwait(false))
await using (storefront.ConfigureAwait(false))
{
    if (options.Duration > TimeSpan.Zero)
    {
        stop.CancelAfter(options.Duration);
    }

    var exporting = Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 } endpoint
        ? $"OTLP to {endpoint}"
        : "none (set OTEL_EXPORTER_OTLP_ENDPOINT to send to a backend)";
    var traffic = new TrafficGenerator(storefront.Url, options.RequestsPerSecond);
    var view = new LiveView([(storefront.Name.ToLowerInvariant(), storefront.Url), (inventory.Name.ToLowerInvariant(), inventory.Url)], () => traffic.Sent, exporting);

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Storefront on {storefront.Url}, inventory on {inventory.Url}; sending {options.RequestsPerSecond} requests/s."));
    await Task.WhenAll(traffic.RunAsync(stop.Token), view.RunAsync(options.Refresh, stop.Token)).ConfigureAwait(false);

    // One last, complete picture, then a clean stop: the services flush their telemetry on the way out.
    await view.RenderAsync(CancellationToken.None).ConfigureAwait(false);
}

Console.WriteLine("Demo stopped.");
return 0;
