using System.ComponentModel.DataAnnotations;
using System.Net;
using ErrorTelemetry;
using ErrorTelemetry.Examples;

namespace Storefront;

/// <summary>
/// A small storefront API that calls the inventory service, with the failures real shops have: bad input, a slow
/// dependency, a database timeout, a downstream business error that bubbles up, and a plain bug.
/// </summary>
public static partial class StorefrontApp
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration["ErrorTelemetry:ServiceName"] ??= "storefront";
        builder.WebHost.UseUrls(builder.Configuration["urls"] ?? DefaultUrl);
        builder.AddErrorTelemetry(o => o
            .AddDefinitions(typeof(StorefrontErrors))
            .Map<OrdersDbException>(StorefrontErrors.DatabaseTimeout, ex => ex.IsTimeout));
        ExampleTriageAccess.Add(builder);
        builder.Services.AddSingleton<OrdersDatabase>();
        builder.Services.AddHttpClient("inventory", c =>
        {
            c.BaseAddress = new Uri(builder.Configuration["Inventory:BaseUrl"] ?? "http://127.0.0.1:5081");
            c.Timeout = TimeSpan.FromSeconds(1);
        });
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseErrorTelemetry();
        ExampleTriageAccess.Use(app);
        app.MapErrorTelemetryPrometheusEndpoint();

        app.MapPost("/checkout", async (CheckoutRequest request, IHttpClientFactory clients, ILogger<CheckoutRequest> logger, CancellationToken cancellationToken) =>
        {
            var problems = Validate(request);
            if (problems.Count > 0)
            {
                return Results.ValidationProblem(problems);
            }

            var inventory = clients.CreateClient("inventory");
            using var response = await inventory.PostAsJsonAsync("/reservations", new { request.Sku, request.Quantity }, cancellationToken).ConfigureAwait(false);
            try
            {
                response.EnsureSuccessStatusCode();
            }
            catch (HttpRequestException ex) when (ex.StatusCode == HttpStatusCode.Conflict)
            {
                // The inventory's own code (INVENTORY_OUT_OF_STOCK) travels back as error.cause.code.
                throw new CodedException(StorefrontErrors.ItemUnavailable, innerException: ex);
            }

            LogOrderPlaced(logger, request.Sku, request.Quantity);
            return Results.Ok(new { status = "placed" });
        });

        app.MapGet("/orders/{id:int}", async (int id, OrdersDatabase db, CancellationToken cancellationToken) =>
        {
            var order = await db.FindAsync(id, cancellationToken).ConfigureAwait(false);
            return order is null ? throw new CodedException(StorefrontErrors.OrderNotFound) : Results.Ok(order);
        });

        app.MapGet("/recommendations", (string email) =>
        {
            // A bug: profiles are not loaded yet. Its message names the customer; redaction keeps that out of telemetry.
            Dictionary<string, string[]>? profiles = null;
            return Results.Ok(profiles![email]);
        });

        return app;
    }

    private static Dictionary<string, string[]> Validate(CheckoutRequest request)
    {
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(request.Sku))
        {
            problems["sku"] = ["The sku field is required."];
        }

        if (request.Quantity is < 1 or > 100)
        {
            problems["quantity"] = ["The quantity must be between 1 and 100."];
        }

        if (!new EmailAddressAttribute().IsValid(request.Email))
        {
            problems["email"] = ["The email field is not a valid e-mail address."];
        }

        return problems;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Order placed for {Sku} x{Quantity}")]
    private static partial void LogOrderPlaced(ILogger logger, string sku, int quantity);
}

/// <summary>A checkout request.</summary>
public sealed record CheckoutRequest(string Sku, int Quantity, string? Email);
