using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Tests.Correlation;

/// <summary>
/// Two real services on 127.0.0.1: "storefront" calls "inventory" through an IHttpClientFactory client; inventory
/// answers 409 problem+json with code INVENTORY_OUT_OF_STOCK and storefront turns that into its own failure.
/// </summary>
[Collection(LiveHttpServices.Name)]
public sealed class CorrelationAcrossServicesTests : IAsyncLifetime
{
    private const string DataKey = "ErrorTelemetry.CauseCode";

    private static readonly ErrorDefinition OutOfStock = new("INVENTORY_OUT_OF_STOCK", ErrorCategory.Conflict, "The item is out of stock.");
    private static readonly ErrorDefinition InventoryFailed = new("DEPENDENCY_INVENTORY_FAILED", ErrorCategory.Dependency, "The inventory service failed.");

    private readonly ConcurrentQueue<Dictionary<string, string>> _inventoryReceived = new();
    private TestService _inventory = null!;
    private TestService _storefront = null!;

    public async Task InitializeAsync()
    {
        _inventory = await TestService.StartAsync("inventory", MapInventory, options: o => o.AddDefinition(OutOfStock));
        _storefront = await TestService.StartAsync(
            "storefront",
            MapStorefront,
            b => b.Services.AddHttpClient("inventory", c => c.BaseAddress = _inventory.Address),
            o => o.AddDefinition(InventoryFailed));
    }

    public async Task DisposeAsync()
    {
        await _storefront.DisposeAsync();
        await _inventory.DisposeAsync();
    }

    [Fact]
    public async Task Checkout_WithCorrelationHeader_OneTraceOneCorrelationIdAndDownstreamCode()
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_storefront.Address, "/checkout/coded"));
        request.Headers.Add("X-Correlation-ID", "order-42");

        using var response = await client.SendAsync(request);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Flush();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("order-42", Assert.Single(response.Headers.GetValues("X-Correlation-ID")));
        Assert.Equal("DEPENDENCY_INVENTORY_FAILED", problem.GetProperty("code").GetString());
        Assert.Equal("INVENTORY_OUT_OF_STOCK", problem.GetProperty("cause").GetString());
        Assert.Contains("INVENTORY_OUT_OF_STOCK", problem.GetProperty("downstreamBody").GetString(), StringComparison.Ordinal);

        var (storefrontServer, storefrontClient, inventoryServer) = await TraceOfAsync("/checkout/coded", "/reserve/coded");
        Assert.Equal(storefrontServer.TraceId, storefrontClient.TraceId);
        Assert.Equal(storefrontServer.TraceId, inventoryServer.TraceId);
        Assert.All([storefrontServer, storefrontClient, inventoryServer], s => Assert.Equal("order-42", s.Tag("correlation.id")));

        // .NET's client span ends before the body is read; the downstream's X-Error-Code header puts the code on it.
        Assert.Equal("INVENTORY_OUT_OF_STOCK", storefrontClient.Tag("error.cause.code"));
        Assert.Equal("INVENTORY_OUT_OF_STOCK", inventoryServer.Tag("error.code"));

        // A failed span carries its own code beside the cause: the downstream refused (4xx).
        Assert.Equal("DEPENDENCY_HTTP_CLIENT_ERROR", storefrontClient.Tag("error.code"));
        Assert.Equal("DEPENDENCY_HTTP_CLIENT_ERROR", storefrontClient.Tag("error.type"));

        var received = Assert.Single(_inventoryReceived);
        Assert.Equal("order-42", received["X-Correlation-ID"]);
        Assert.Contains(storefrontServer.TraceId, received["traceparent"], StringComparison.Ordinal);
        Assert.Contains("order-42", received["baggage"], StringComparison.Ordinal);

        AssertLogsCorrelated(storefrontServer.TraceId, "order-42", expectedMessages: ["Checking out", "Checkout failed"], inventoryMessages: ["Reserving stock"]);
    }

    [Fact]
    public async Task Checkout_WithoutCorrelationHeader_GeneratedIdSharedByBothServices()
    {
        using var client = new HttpClient();
        using var response = await client.PostAsync(new Uri(_storefront.Address, "/checkout/coded"), null);
        Flush();

        var id = Assert.Single(response.Headers.GetValues("X-Correlation-ID"));
        Assert.Matches("^[0-9a-f]{32}$", id);
        var (storefrontServer, storefrontClient, inventoryServer) = await TraceOfAsync("/checkout/coded", "/reserve/coded");
        Assert.NotEqual(storefrontServer.TraceId, id);
        Assert.All([storefrontServer, storefrontClient, inventoryServer], s => Assert.Equal(id, s.Tag("correlation.id")));
        Assert.Equal(id, Assert.Single(_inventoryReceived)["X-Correlation-ID"]);
        AssertLogsCorrelated(storefrontServer.TraceId, id, expectedMessages: ["Checking out", "Checkout failed"], inventoryMessages: ["Reserving stock"]);
    }

    [Fact]
    public async Task Checkout_DownstreamSendsOnlyProblemBody_CauseStillReachesTheCallersException()
    {
        using var client = new HttpClient();
        using var response = await client.PostAsync(new Uri(_storefront.Address, "/checkout/body-only"), null);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Flush();

        Assert.Equal("INVENTORY_OUT_OF_STOCK", problem.GetProperty("cause").GetString());
        Assert.Contains("INVENTORY_OUT_OF_STOCK", problem.GetProperty("downstreamBody").GetString(), StringComparison.Ordinal);
        var (_, storefrontClient, _) = await TraceOfAsync("/checkout/body-only", "/reserve/body-only");
        Assert.Null(storefrontClient.Tag("error.cause.code"));
    }

    [Fact]
    public async Task Checkout_IdWithEveryAllowedSymbol_SurvivesBaggageEncodingUnchanged()
    {
        const string id = "a.b_c:d-e/f+g=h@i";
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_storefront.Address, "/checkout/coded"));
        request.Headers.Add("X-Correlation-ID", id);
        using var response = await client.SendAsync(request);
        Flush();

        Assert.Equal(id, Assert.Single(response.Headers.GetValues("X-Correlation-ID")));
        var (_, _, inventoryServer) = await TraceOfAsync("/checkout/coded", "/reserve/coded");
        Assert.Equal(id, inventoryServer.Tag("correlation.id"));
    }

    [Fact]
    public async Task Checkout_DownstreamFailure_CallersSpanAndErrorLogCarryTheCauseCode()
    {
        using var client = new HttpClient();
        using var response = await client.PostAsync(new Uri(_storefront.Address, "/checkout/coded"), null);
        Flush();

        var (storefrontServer, _, _) = await TraceOfAsync("/checkout/coded", "/reserve/coded");
        Assert.Equal("DEPENDENCY_INVENTORY_FAILED", storefrontServer.Tag("error.code"));
        Assert.Equal("INVENTORY_OUT_OF_STOCK", storefrontServer.Tag("error.cause.code"));
        var errorLog = Assert.Single(_storefront.Logs.Items, l => l.Body == "Checkout failed");
        Assert.Equal("INVENTORY_OUT_OF_STOCK", errorLog.Attribute("error.cause.code"));
    }

    [Fact]
    public async Task Checkout_DownstreamFailureThrownUnhandled_ProblemResponseAndSpanNameTheDownstreamCause()
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_storefront.Address, "/checkout/thrown"));
        request.Headers.Add("X-Correlation-ID", "incident-4711");
        using var response = await client.SendAsync(request);
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Flush();

        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("DEPENDENCY_INVENTORY_FAILED", body.GetProperty("code").GetString());
        Assert.Equal("INVENTORY_OUT_OF_STOCK", body.GetProperty("causeCode").GetString());
        Assert.Equal("incident-4711", body.GetProperty("correlationId").GetString());
        var (storefrontServer, _, inventoryServer) = await TraceOfAsync("/checkout/thrown", "/reserve/thrown");
        Assert.Equal(storefrontServer.TraceId, body.GetProperty("traceId").GetString());
        Assert.Equal("DEPENDENCY_INVENTORY_FAILED", storefrontServer.Tag("error.code"));
        Assert.Equal("INVENTORY_OUT_OF_STOCK", storefrontServer.Tag("error.cause.code"));
        Assert.Equal("incident-4711", inventoryServer.Tag("correlation.id"));
    }

    [Fact]
    public async Task Checkout_ApplicationStartsItsOwnAmbientBaggage_CorrelationIdStillTravelsInBaggage()
    {
        // The HttpClient instrumentation writes the baggage header from OpenTelemetry's ambient baggage and drops the
        // span's: the id must be in both, or an application's own baggage item would push it out of the header.
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_storefront.Address, "/checkout/tenant"));
        request.Headers.Add("X-Correlation-ID", "order-43");
        using var response = await client.SendAsync(request);
        Flush();

        var baggage = Assert.Single(_inventoryReceived)["baggage"];
        Assert.Contains("correlation.id=order-43", baggage, StringComparison.Ordinal);
        Assert.Contains("tenant=acme", baggage, StringComparison.Ordinal);
        var (_, _, inventoryServer) = await TraceOfAsync("/checkout/tenant", "/reserve/tenant");
        Assert.Equal("order-43", inventoryServer.Tag("correlation.id"));
    }

    private void MapInventory(WebApplication app)
    {
        app.MapPost("/reserve/{variant}", async (string variant, HttpContext context, ILogger<CorrelationAcrossServicesTests> logger) =>
        {
            _inventoryReceived.Enqueue(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase));
            logger.LogInformation("Reserving stock");
            if (variant is "coded" or "thrown")
            {
                // What the application (or the problem-details middleware) does: state the span's error code.
                Activity.Current.SetErrorCode(OutOfStock);
            }

            // Written by hand until the problem-details middleware lands.
            context.Response.StatusCode = StatusCodes.Status409Conflict;
            context.Response.ContentType = "application/problem+json";
            await context.Response.WriteAsync("""{"type":"about:blank","title":"The item is out of stock.","status":409,"code":"INVENTORY_OUT_OF_STOCK","detail":"sku 7"}""");
        });
    }

    private static void MapStorefront(WebApplication app)
    {
        app.MapPost("/checkout/{variant}", async (string variant, IHttpClientFactory factory, ILogger<CorrelationAcrossServicesTests> logger) =>
        {
            logger.LogInformation("Checking out");
            if (variant == "tenant")
            {
                // Code written against the OpenTelemetry API that starts ambient baggage of its own.
                OpenTelemetry.Baggage.Current = OpenTelemetry.Baggage.Create(new Dictionary<string, string> { ["tenant"] = "acme" });
            }

            using var response = await factory.CreateClient("inventory").PostAsync(new Uri($"/reserve/{variant}", UriKind.Relative), null);
            var body = await response.Content.ReadAsStringAsync();
            try
            {
                response.EnsureSuccessStatusCode();
                return Results.Ok();
            }
            catch (HttpRequestException ex) when (variant == "thrown")
            {
                // The usual application code: wrap and throw; ErrorTelemetry's middleware answers.
                throw new CodedException(InventoryFailed, innerException: ex);
            }
            catch (HttpRequestException ex)
            {
                var failure = new CodedException(InventoryFailed, innerException: ex);

                // Stand-in for the problem-details middleware (parallel work): record, log, answer.
                Activity.Current.RecordError(failure);
                logger.LogError(failure, "Checkout failed");
                return Results.Json(
                    new { code = failure.Definition.Code, cause = ex.Data[DataKey] as string, downstreamBody = body },
                    statusCode: StatusCodes.Status502BadGateway,
                    contentType: "application/problem+json");
            }
        });
    }

    private void Flush()
    {
        _storefront.Flush();
        _inventory.Flush();
    }

    private async Task<(SpanSnapshot StorefrontServer, SpanSnapshot StorefrontClient, SpanSnapshot InventoryServer)> TraceOfAsync(string checkoutPath, string reservePath)
    {
        var storefrontServer = await _storefront.ServerSpanAsync(checkoutPath);
        var inventoryServer = await _inventory.ServerSpanAsync(reservePath);
        var storefrontClient = await _storefront.SpanAsync(
            s => s.Kind == ActivityKind.Client && s.TraceId == storefrontServer.TraceId && (s.Tag("url.full") as string)?.EndsWith(reservePath, StringComparison.Ordinal) == true);
        Flush();

        // One request per test: exactly one of each span.
        Assert.Single(_storefront.Spans.Items, s => s.Kind == ActivityKind.Server && Equals(s.Tag("url.path"), checkoutPath));
        Assert.Single(_inventory.Spans.Items, s => s.Kind == ActivityKind.Server && Equals(s.Tag("url.path"), reservePath));
        return (storefrontServer, storefrontClient, inventoryServer);
    }

    private void AssertLogsCorrelated(string traceId, string id, string[] expectedMessages, string[] inventoryMessages)
    {
        // The "Request starting" line is written before any middleware runs; it carries the id all the same, whether the
        // id arrived as a header (storefront) or as baggage too (inventory).
        var storefrontLogs = _storefront.Logs.Items.Where(l => l.TraceId == traceId).ToList();
        var inventoryLogs = _inventory.Logs.Items.Where(l => l.TraceId == traceId).ToList();
        foreach (var message in expectedMessages)
        {
            Assert.Contains(storefrontLogs, l => l.Body == message);
        }

        foreach (var message in inventoryMessages)
        {
            Assert.Contains(inventoryLogs, l => l.Body == message);
        }

        Assert.Contains(storefrontLogs, IsRequestStarting);
        Assert.Contains(inventoryLogs, IsRequestStarting);
        Assert.All(storefrontLogs, l => Assert.Equal(id, l.Attribute("correlation.id")));
        Assert.All(inventoryLogs, l => Assert.Equal(id, l.Attribute("correlation.id")));
    }

    private static bool IsRequestStarting(LogSnapshot log) =>
        log.Category == "Microsoft.AspNetCore.Hosting.Diagnostics" && log.Body?.StartsWith("Request starting", StringComparison.Ordinal) == true;
}
