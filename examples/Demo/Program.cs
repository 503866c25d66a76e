using System.Globalization;
using Demo;
using Inventory;
using Storefront;

// The ErrorTelemetry demo: two services (storefront → inventory) that use nothing but AddErrorTelemetry(), a traffic
// generator exercising their failure paths, and a live view of failures by code. No backend needed; set
// OTEL_EXPORTER_OTLP_ENDPOINT to also export everything to a collector, Jaeger or Grafana.
var options = DemoOptions.Parse(args);
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
if (options.Duration > TimeSpan.Zero)
{
    stop.CancelAfter(options.Duration);
}

// The services' own console logs would scroll the live view away; their logs still go to OTLP when it is on.
string[] Quiet(params string[] extra) => ["--Logging:LogLevel:Default=Warning", "--Logging:Console:LogLevel:Default=None", .. extra];

await using var inventory = InventoryApp.Build(Quiet("--urls", options.InventoryUrl));
await using var storefront = StorefrontApp.Build(Quiet("--urls", options.StorefrontUrl, "--Inventory:BaseUrl", options.InventoryUrl));
try
{
    await inventory.StartAsync(stop.Token).ConfigureAwait(false);
    await storefront.StartAsync(stop.Token).ConfigureAwait(false);
}
catch (IOException ex)
{
    Console.Error.WriteLine($"The demo could not listen on {options.StorefrontUrl} and {options.InventoryUrl}: {ex.Message}");
    Console.Error.WriteLine("Another program uses the port. Pick others: --storefront-url http://127.0.0.1:6080 --inventory-url http://127.0.0.1:6081");
    return 2;
}

var exporting = Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 } endpoint
    ? $"OTLP to {endpoint}"
    : "none (set OTEL_EXPORTER_OTLP_ENDPOINT to send to a backend)";
var traffic = new TrafficGenerator(new Uri(options.StorefrontUrl), options.RequestsPerSecond);
var view = new LiveView([("storefront", new Uri(options.StorefrontUrl)), ("inventory", new Uri(options.InventoryUrl))], () => traffic.Sent, exporting);

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Storefront on {options.StorefrontUrl}, inventory on {options.InventoryUrl}; sending {options.RequestsPerSecond} requests/s."));
await Task.WhenAll(traffic.RunAsync(stop.Token), view.RunAsync(options.Refresh, stop.Token)).ConfigureAwait(false);

// One last, complete picture, then a clean stop: the services flush their telemetry on the way out.
await view.RenderAsync(CancellationToken.None).ConfigureAwait(false);
await storefront.StopAsync(CancellationToken.None).ConfigureAwait(false);
await inventory.StopAsync(CancellationToken.None).ConfigureAwait(false);
Console.WriteLine("Demo stopped.");
return 0;
