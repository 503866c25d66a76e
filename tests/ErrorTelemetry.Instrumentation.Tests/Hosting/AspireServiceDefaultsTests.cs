using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Tests.Hosting;

/// <summary>
/// An application in the shape of the .NET Aspire ServiceDefaults project (<c>AddServiceDefaults()</c>:
/// <c>ConfigureOpenTelemetry</c>, default health checks, <c>ConfigureHttpClientDefaults(h =>
/// h.AddStandardResilienceHandler())</c>, <c>MapDefaultEndpoints()</c>), with <c>AddErrorTelemetry()</c> after it.
/// </summary>
[Collection(TestWebHost.Collection)]
public class AspireServiceDefaultsTests
{
    private static readonly ErrorDefinition StockOffline = new("STOCK_OFFLINE", ErrorCategory.Connectivity, "Stock is unavailable.");
    private static readonly ErrorDefinition CheckoutFailed = new("CHECKOUT_DEPENDENCY_FAILED", ErrorCategory.Dependency, "Checkout could not reach stock.");

    [Fact]
    public async Task Checkout_DownstreamFailsEveryRetry_OneServerSpanCatalogStatusAndOneCountForTheOperation()
    {
        var downstreamCalls = 0;
        await using var host = await TestWebHost.StartAsync(
            app =>
            {
                MapDefaultEndpoints(app);
                app.MapGet("/stock/{sku}", string (string sku) =>
                {
                    Interlocked.Increment(ref downstreamCalls);
                    throw StockOffline.ToException();
                });
                app.MapPost("/checkout", async (IHttpClientFactory factory, IServer server) =>
                {
                    using var client = factory.CreateClient("stock");
                    client.BaseAddress = new Uri(server.Features.Get<IServerAddressesFeature>()!.Addresses.First());
                    try
                    {
                        using var stock = await client.GetAsync(new Uri("/stock/7", UriKind.Relative));
                        stock.EnsureSuccessStatusCode();
                        return Results.Ok();
                    }
                    catch (HttpRequestException ex)
                    {
                        throw new CodedException(CheckoutFailed, innerException: ex);
                    }
                });
            },
            services: AddServiceDefaults,
            catalog: o => o.AddDefinition(StockOffline).AddDefinition(CheckoutFailed),
            kestrel: true);

        using var response = await host.Client.PostAsync("/checkout", null);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        await host.ServerSpanAsync("/checkout");
        host.Services.GetRequiredService<TracerProvider>().ForceFlush();

        Assert.Equal(3, downstreamCalls);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("CHECKOUT_DEPENDENCY_FAILED", problem.GetProperty("code").GetString());
        var checkout = Assert.Single(host.Spans.Items, s => s.Kind == ActivityKind.Server && Equals(s.Tag("url.path"), "/checkout"));
        Assert.Equal("POST /checkout", checkout.Name);
        Assert.Equal("CHECKOUT_DEPENDENCY_FAILED", checkout.Tag("error.code"));
        Assert.Equal("STOCK_OFFLINE", checkout.Tag("error.cause.code"));
        Assert.Equal(502, checkout.Tag("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Error, checkout.Status);
        Assert.Equal(3, host.Spans.Items.Count(s => s.Kind == ActivityKind.Server && Equals(s.Tag("url.path"), "/stock/7")));

        // One failure of the operation, however many attempts the resilience handler made; each downstream request
        // that failed is a failure of the downstream operation.
        var points = host.FailurePoints();
        // Which code that one count carries is not asserted: Polly logs the last attempt at Error level before the
        // application throws, and that log is counted first (issue 12's rule for error logs decides it).
        var operation = Assert.Single(points, p => Equals(p.Tags[ErrorTelemetryAttributes.Operation], "POST /checkout"));
        Assert.Equal(1, operation.Value);
        Assert.Equal(3, host.FailureCount("STOCK_OFFLINE", "GET /stock/{sku}"));
    }

    [Fact]
    public async Task DefaultEndpoints_HealthProbe_AnsweredAndNotTraced()
    {
        await using var host = await TestWebHost.StartAsync(
            app =>
            {
                MapDefaultEndpoints(app);
                app.MapGet("/orders/{id}", (string id) => id);
            },
            services: AddServiceDefaults);

        using var alive = await host.Client.GetAsync("/alive");
        using var orders = await host.Client.GetAsync("/orders/1");
        var span = await host.ServerSpanAsync("/orders/1");
        host.Services.GetRequiredService<TracerProvider>().ForceFlush();

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal("GET /orders/{id}", span.Name);
        Assert.DoesNotContain(host.Spans.Items, s => s.Kind == ActivityKind.Server && Equals(s.Tag("url.path"), "/alive"));
        Assert.Empty(host.FailurePoints());
    }

    /// <summary>The template's <c>AddServiceDefaults()</c>, minus service discovery.</summary>
    private static void AddServiceDefaults(WebApplicationBuilder builder)
    {
        // ConfigureOpenTelemetry
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation())
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddAspNetCoreInstrumentation(o => o.Filter = context =>
                    !context.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal)
                    && !context.Request.Path.StartsWithSegments("/alive", StringComparison.Ordinal))
                .AddHttpClientInstrumentation());

        // AddDefaultHealthChecks
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);

        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler(o =>
        {
            // The template's defaults wait seconds between attempts; the test keeps the three attempts, not the wait.
            o.Retry.Delay = TimeSpan.FromMilliseconds(1);
            o.Retry.MaxRetryAttempts = 2;
            o.Retry.ShouldRetryAfterHeader = false;
        }));
        builder.Services.AddHttpClient("stock");
    }

    /// <summary>The template's <c>MapDefaultEndpoints()</c> (it maps them in Development; mapped here regardless).</summary>
    private static void MapDefaultEndpoints(WebApplication app)
    {
        app.MapHealthChecks("/health");
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") });
    }
}
