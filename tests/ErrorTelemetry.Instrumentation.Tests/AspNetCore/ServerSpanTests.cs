using System.Diagnostics;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ErrorTelemetry.Tests.AspNetCore;

[Collection(TestWebHost.Collection)]
public class ServerSpanTests
{
    [Fact]
    public async Task OnResponse_SuccessfulRequest_RouteNameAndStatusNoError()
    {
        await using var host = await TestWebHost.StartAsync(app => app.MapGet("/orders/{id}", (string id) => id));

        using var response = await host.Client.GetAsync("/orders/42");
        var span = await host.ServerSpanAsync("/orders/42");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("GET /orders/{id}", span.Name);
        Assert.Equal("/orders/{id}", span.Tag("http.route"));
        Assert.Equal(200, span.Tag("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Null(span.Tag("error.type"));
        Assert.Null(span.Tag("error.code"));
        Assert.Empty(host.FailurePoints());
    }

    [Fact]
    public async Task OnEndpoint_FailureCountedDuringTheRequest_CountedUnderTheRoute()
    {
        // A failure logged inside the handler is counted at that moment, under the span's name at that moment.
        await using var host = await TestWebHost.StartAsync(app =>
            app.MapGet("/orders/{id}", (string id, ILogger<ServerSpanTests> logger) =>
            {
                logger.LogError(new TimeoutException("cache timed out"), "Cache lookup failed");
                return id;
            }));

        using var response = await host.Client.GetAsync("/orders/42");
        await host.ServerSpanAsync("/orders/42");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(1, host.FailureCount("OPERATION_TIMEOUT", "GET /orders/{id}"));
    }

    [Fact]
    public async Task OnEndpoint_UncodedErrorLogs_NotCountedAndTheThrownCodeIs()
    {
        await using var host = await TestWebHost.StartAsync(
            app =>
            {
                app.MapGet("/quiet", (ILogger<ServerSpanTests> logger) =>
                {
                    logger.LogError("The recommendation service returned nothing; showing defaults");
                    return "ok";
                });
                app.MapGet("/orders/{id}", string (string id, ILogger<ServerSpanTests> logger) =>
                {
                    logger.LogError("Order {OrderId} is missing from the store", id);
                    throw TestErrors.OrderNotFound.ToException();
                });
            },
            catalog: o => o.AddDefinitions(typeof(TestErrors)));

        using var quiet = await host.Client.GetAsync("/quiet");
        using var missing = await host.Client.GetAsync("/orders/42");
        var quietSpan = await host.ServerSpanAsync("/quiet");
        var missingSpan = await host.ServerSpanAsync("/orders/42");

        Assert.Equal(200, (int)quiet.StatusCode);
        Assert.Null(quietSpan.Tag("error.type"));
        Assert.Equal(404, (int)missing.StatusCode);
        Assert.Equal("ORDER_NOT_FOUND", missingSpan.Tag("error.code"));
        Assert.Equal(1, host.FailureCount("ORDER_NOT_FOUND", "GET /orders/{id}"));
        Assert.Equal(0, host.FailureCount("UNCLASSIFIED"));
    }

    [Fact]
    public async Task Complete_TwoMinimalApiHandlersThrowAlike_FingerprintsDifferAndRepeat()
    {
        // Both handlers are lambdas of this one method, called from framework frames only.
        await using var host = await TestWebHost.StartAsync(app =>
        {
            app.MapGet("/orders", string () => throw new InvalidOperationException("boom"));
            app.MapGet("/invoices", string () => throw new InvalidOperationException("boom"));
        });

        using (await host.Client.GetAsync("/orders"))
        using (await host.Client.GetAsync("/invoices"))
        {
        }

        var orders = await host.ServerSpanAsync("/orders");
        var invoices = await host.ServerSpanAsync("/invoices");
        host.Spans.Clear();
        using (await host.Client.GetAsync("/orders"))
        {
        }

        var ordersAgain = await host.ServerSpanAsync("/orders");

        Assert.Equal("UNCLASSIFIED", orders.Tag("error.code"));
        Assert.Equal("UNCLASSIFIED", invoices.Tag("error.code"));
        Assert.Matches("^[0-9a-f]{16}$", (string?)orders.Tag("error.fingerprint"));
        Assert.NotEqual(orders.Tag("error.fingerprint"), invoices.Tag("error.fingerprint"));
        Assert.Equal(orders.Tag("error.fingerprint"), ordersAgain.Tag("error.fingerprint"));
    }

    [Fact]
    public async Task OnResponse_ExceptionHandlerReExecutesAnErrorPath_SpanKeepsTheOriginalRoute()
    {
        await using var host = await TestWebHost.StartAsync(app =>
        {
            app.UseExceptionHandler("/error");
            app.UseRouting();
            app.MapGet("/orders/{id}", string (string id) => throw new InvalidOperationException("boom"));
            app.Map("/error", () => Results.Text("sorry", statusCode: 500));
        });

        using var response = await host.Client.GetAsync("/orders/42");
        var span = await host.ServerSpanAsync("/orders/42");

        Assert.Equal(500, (int)response.StatusCode);
        Assert.Equal("sorry", await response.Content.ReadAsStringAsync());
        Assert.Equal("GET /orders/{id}", span.Name);
        Assert.Equal("/orders/{id}", span.Tag("http.route"));
        Assert.Equal("UNCLASSIFIED", span.Tag("error.code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(1, host.FailureCount("UNCLASSIFIED", "GET /orders/{id}"));
    }

    [Fact]
    public async Task OnResponse_ApplicationNamedTheSpan_NameKept()
    {
        await using var host = await TestWebHost.StartAsync(app =>
            app.MapGet("/orders/{id}", (string id, HttpContext context) =>
            {
                context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpActivityFeature>()!.Activity.DisplayName = "custom name";
                return id;
            }));

        using var response = await host.Client.GetAsync("/orders/42");
        var span = await host.ServerSpanAsync("/orders/42");

        Assert.Equal("custom name", span.Name);
        Assert.Equal("/orders/{id}", span.Tag("http.route"));
    }

    [Fact]
    public async Task OnResponse_UnknownMethod_NamedHttpNotAfterTheClientsMethod()
    {
        await using var host = await TestWebHost.StartAsync(app => app.MapMethods("/orders", ["PURGE"], () => "purged"));

        using var response = await host.Client.SendAsync(new HttpRequestMessage(new HttpMethod("PURGE"), "/orders"));
        var span = await host.ServerSpanAsync("/orders");

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("HTTP /orders", span.Name);
    }
}
