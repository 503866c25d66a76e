using ErrorTelemetry;
using ErrorTelemetry.Examples;

namespace Inventory;

/// <summary>A small inventory API: stock lookups and reservations, with realistic failures.</summary>
public static class InventoryApp
{
    public const string DefaultUrl = "http://127.0.0.1:5081";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration["ErrorTelemetry:ServiceName"] ??= "inventory";
        builder.WebHost.UseUrls(builder.Configuration["urls"] ?? DefaultUrl);
        builder.AddErrorTelemetry(o => o.AddDefinitions(typeof(InventoryErrors)));
        ExampleTriageAccess.Add(builder);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseErrorTelemetry();
        ExampleTriageAccess.Use(app);
        app.MapErrorTelemetryPrometheusEndpoint();

        var stock = new Dictionary<string, int>(StringComparer.Ordinal) { ["SKU-1"] = 1_000_000, ["SKU-2"] = 0, ["SKU-SLOW"] = 10 };

        app.MapPost("/reservations", async (ReservationRequest request, CancellationToken cancellationToken) =>
        {
            if (request.Sku == "SKU-SLOW")
            {
                // A warehouse system that hangs: the storefront's client times out first.
                await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
            }

            if (!stock.TryGetValue(request.Sku, out var available))
            {
                throw new CodedException(InventoryErrors.UnknownSku);
            }

            if (available < request.Quantity)
            {
                throw new CodedException(InventoryErrors.OutOfStock);
            }

            return Results.Ok(new { request.Sku, request.Quantity, reservationId = Guid.NewGuid() });
        });

        return app;
    }
}

/// <summary>A reservation request.</summary>
public sealed record ReservationRequest(string Sku, int Quantity);
