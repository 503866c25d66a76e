using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ErrorTelemetry.Tests.AspNetCore;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using static ErrorTelemetry.Tests.TestSupport.UserInstrumentationSetups;

namespace ErrorTelemetry.Tests.Hosting;

/// <summary>
/// The README's promises about server spans, client spans, the operation label and problem details, with the
/// application's own <c>AddAspNetCoreInstrumentation()</c>/<c>AddHttpClientInstrumentation()</c> before or after
/// <c>AddErrorTelemetry()</c>, with and without its own options and enrich callbacks.
/// </summary>
[Collection(TestWebHost.Collection)]
public class UserInstrumentationTests
{
    private static readonly ErrorDefinition OutOfStock = new("STOCK_EXHAUSTED", ErrorCategory.Conflict, "The item is out of stock.");

    [Theory]
    [MemberData(nameof(All), MemberType = typeof(UserInstrumentationSetups))]
    public async Task Request_Succeeds_OneServerSpanNamedByRouteWithStatus(UserInstrumentation setup)
    {
        await using var host = await StartAsync(setup, app => app.MapGet("/orders/{id}", (string id) => id));

        using var response = await host.Client.GetAsync("/orders/42");
        var span = await OneServerSpanAsync(host, "/orders/42");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("GET /orders/{id}", span.Name);
        Assert.Equal("/orders/{id}", span.Tag("http.route"));
        Assert.Equal(200, span.Tag("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Null(span.Tag("error.type"));
        Assert.Empty(host.FailurePoints());
        AssertApplicationEnrichment(setup, span, 200);
    }

    [Theory]
    [MemberData(nameof(All), MemberType = typeof(UserInstrumentationSetups))]
    public async Task Request_CodedFailure_CatalogProblemCodedSpanAndOneCountUnderTheRoute(UserInstrumentation setup)
    {
        await using var host = await StartAsync(setup, app =>
            app.MapGet("/orders/{id}", string (string id) => throw TestErrors.OrderNotFound.ToException()));

        using var response = await host.Client.GetAsync("/orders/42");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var span = await OneServerSpanAsync(host, "/orders/42");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("ORDER_NOT_FOUND", problem.GetProperty("code").GetString());
        Assert.Equal(span.TraceId, problem.GetProperty("traceId").GetString());
        Assert.Equal("GET /orders/{id}", span.Name);
        Assert.Equal("ORDER_NOT_FOUND", span.Tag("error.code"));
        Assert.Equal("ORDER_NOT_FOUND", span.Tag("error.type"));
        Assert.Equal(404, span.Tag("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Equal(1, host.FailureCount("ORDER_NOT_FOUND", "GET /orders/{id}"));
        Assert.Equal(1, host.FailurePoints().Sum(p => p.Value));
        AssertApplicationEnrichment(setup, span, 404);
    }

    [Theory]
    [MemberData(nameof(All), MemberType = typeof(UserInstrumentationSetups))]
    public async Task Request_UnhandledBug_ErrorSpanWithOneExceptionEventAndOneCount(UserInstrumentation setup)
    {
        await using var host = await StartAsync(setup, app =>
            app.MapPost("/orders", string () => throw new InvalidOperationException("bug")));

        using var response = await host.Client.PostAsync("/orders", null);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var span = await OneServerSpanAsync(host, "/orders");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("UNCLASSIFIED", problem.GetProperty("code").GetString());
        Assert.Equal("POST /orders", span.Name);
        Assert.Equal("UNCLASSIFIED", span.Tag("error.type"));
        Assert.Equal(500, span.Tag("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Single(span.Events, e => e.Name == "exception");
        Assert.Equal(1, host.FailureCount("UNCLASSIFIED", "POST /orders"));
    }

    [Theory]
    [MemberData(nameof(All), MemberType = typeof(UserInstrumentationSetups))]
    public async Task Request_FailureLoggedDuringTheRequest_CountedUnderTheRouteNotTheBareMethod(UserInstrumentation setup)
    {
        // Counted when logged, under the span's name at that moment: the instrumentation has named it "GET" by then.
        await using var host = await StartAsync(setup, app =>
            app.MapGet("/orders/{id}", (string id, ILogger<UserInstrumentationTests> logger) =>
            {
                logger.LogError(new TimeoutException("cache timed out"), "Cache lookup failed");
                return id;
            }));

        using var response = await host.Client.GetAsync("/orders/42");
        var span = await OneServerSpanAsync(host, "/orders/42");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("GET /orders/{id}", span.Name);
        var point = Assert.Single(host.FailurePoints());
        Assert.Equal("OPERATION_TIMEOUT", point.Tags[ErrorTelemetryAttributes.Code]);
        Assert.Equal("GET /orders/{id}", point.Tags[ErrorTelemetryAttributes.Operation]);
        Assert.Equal(1, point.Value);
    }

    [Theory]
    [MemberData(nameof(All), MemberType = typeof(UserInstrumentationSetups))]
    public async Task Request_ExceptionHandlerReExecutesErrorPath_SpanAndCountKeepTheMatchedRoute(UserInstrumentation setup)
    {
        await using var host = await StartAsync(setup, app =>
        {
            app.UseExceptionHandler("/error");
            app.UseRouting();
            app.MapGet("/orders/{id}", string (string id) => throw new InvalidOperationException("boom"));
            app.Map("/error", () => Results.Text("sorry", statusCode: 500));
        });

        using var response = await host.Client.GetAsync("/orders/42");
        var span = await OneServerSpanAsync(host, "/orders/42");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("sorry", await response.Content.ReadAsStringAsync());
        Assert.Equal("GET /orders/{id}", span.Name);
        Assert.Equal("/orders/{id}", span.Tag("http.route"));
        Assert.Equal("UNCLASSIFIED", span.Tag("error.code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Single(span.Events, e => e.Name == "exception");
        var point = Assert.Single(host.FailurePoints());
        Assert.Equal("GET /orders/{id}", point.Tags[ErrorTelemetryAttributes.Operation]);
        Assert.Equal(1, point.Value);
        AssertApplicationEnrichment(setup, span, 500);
    }

    [Theory]
    [MemberData(nameof(All), MemberType = typeof(UserInstrumentationSetups))]
    public async Task ClientCall_DownstreamAnswersCodedProblem_OneClientSpanWithCauseCodeAndOneCountPerService(UserInstrumentation setup)
    {
        await using var host = await StartAsync(
            setup,
            app =>
            {
                app.MapGet("/stock/{sku}", string (string sku) => throw OutOfStock.ToException());
                app.MapPost("/checkout", async (IHttpClientFactory factory, IServer server) =>
                {
                    using var client = factory.CreateClient("stock");
                    client.BaseAddress = new Uri(server.Features.Get<IServerAddressesFeature>()!.Addresses.First());
                    using var stock = await client.GetAsync(new Uri("/stock/7", UriKind.Relative));
                    try
                    {
                        stock.EnsureSuccessStatusCode();
                        return Results.Ok();
                    }
                    catch (HttpRequestException ex)
                    {
                        throw new CodedException(TestErrors.PaymentProviderFailed, innerException: ex);
                    }
                });
            },
            kestrel: true);

        using var response = await host.Client.PostAsync("/checkout", null);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var checkout = await OneServerSpanAsync(host, "/checkout");
        var stockServer = await OneServerSpanAsync(host, "/stock/7");
        var client = Assert.Single(
            host.Spans.Items,
            s => s.Kind == ActivityKind.Client && s.TraceId == checkout.TraceId && (s.Tag("url.full") as string)?.EndsWith("/stock/7", StringComparison.Ordinal) == true);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("PAYMENT_PROVIDER_FAILED", problem.GetProperty("code").GetString());
        Assert.Equal("STOCK_EXHAUSTED", problem.GetProperty("causeCode").GetString());
        Assert.Equal("GET /stock/{sku}", stockServer.Name);
        Assert.Equal("STOCK_EXHAUSTED", stockServer.Tag("error.code"));
        Assert.Equal(409, client.Tag("http.response.status_code"));
        Assert.Equal("STOCK_EXHAUSTED", client.Tag("error.cause.code"));
        Assert.Equal("POST /checkout", checkout.Name);
        Assert.Equal("PAYMENT_PROVIDER_FAILED", checkout.Tag("error.code"));
        Assert.Equal("STOCK_EXHAUSTED", checkout.Tag("error.cause.code"));
        Assert.Equal(1, host.FailureCount("PAYMENT_PROVIDER_FAILED", "POST /checkout"));
        Assert.Equal(1, host.FailureCount("STOCK_EXHAUSTED", "GET /stock/{sku}"));
        if (HasCallbacks(setup))
        {
            Assert.Equal(409, client.Tag(ClientResponseTag));
        }
    }

    private static Task<TestWebHost> StartAsync(UserInstrumentation setup, Action<WebApplication> map, bool kestrel = false) =>
        TestWebHost.StartAsync(
            map,
            services: b =>
            {
                b.Services.AddHttpClient("stock");
                Before(setup)?.Invoke(b);
            },
            catalog: o => o.AddDefinitions(typeof(TestErrors)).AddDefinition(OutOfStock),
            kestrel: kestrel,
            afterErrorTelemetry: After(setup));

    /// <summary>Waits for the request's server span and checks that it is the only one.</summary>
    private static async Task<SpanSnapshot> OneServerSpanAsync(TestWebHost host, string path)
    {
        await host.ServerSpanAsync(path);
        host.Services.GetRequiredService<TracerProvider>().ForceFlush();
        return Assert.Single(host.Spans.Items, s => s.Kind == ActivityKind.Server && Equals(s.Tag("url.path"), path));
    }

    /// <summary>The application's own enrich callbacks ran beside ours, and saw the response.</summary>
    private static void AssertApplicationEnrichment(UserInstrumentation setup, SpanSnapshot span, int status)
    {
        if (HasCallbacks(setup))
        {
            Assert.Equal(true, span.Tag(RequestTag));
            Assert.Equal(status, span.Tag(ResponseTag));
        }
    }
}
