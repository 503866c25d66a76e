using System.Text.Json;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ErrorTelemetry.Tests.AspNetCore;

/// <summary>The shape of every problem: type, title, instance and the extensions, also on problems the framework writes.</summary>
[Collection(TestWebHost.Collection)]
public class ProblemFactoryTests
{
    [Fact]
    public async Task Create_TypeBaseUriConfigured_TypeIsBasePlusCode()
    {
        await using var host = await RequestFailuresTests.StartOrdersAsync(settings: new Dictionary<string, string?>
        {
            ["ErrorTelemetry:ProblemDetails:TypeBaseUri"] = "https://errors.example.com",
            ["ErrorTelemetry:ProblemDetails:RetryAfterSeconds"] = "120",
        });

        using var response = await host.Client.GetAsync("/orders/QUOTA_EXCEEDED");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("https://errors.example.com/QUOTA_EXCEEDED", problem.GetProperty("type").GetString());
        Assert.Equal("120", Assert.Single(response.Headers.GetValues("Retry-After")));
    }

    [Theory]
    [InlineData(null, "https://docs.example.com/errors/order-locked")]
    [InlineData("false", "urn:error:ORDER_LOCKED")]
    public async Task Create_DefinitionHasARunbook_TypeIsTheRunbookUnlessTurnedOff(string? useRunbook, string expectedType)
    {
        await using var host = await RequestFailuresTests.StartOrdersAsync(settings: useRunbook is null
            ? null
            : new Dictionary<string, string?> { ["ErrorTelemetry:ProblemDetails:UseRunbookUrlAsType"] = useRunbook });

        using var response = await host.Client.GetAsync("/orders/ORDER_LOCKED");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(409, (int)response.StatusCode);
        Assert.Equal(expectedType, problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Create_CorrelationIdFromTheCorrelationFeature_InTheProblem()
    {
        await using var host = await RequestFailuresTests.StartOrdersAsync(map: app => app.Use((context, next) =>
        {
            context.Items["ErrorTelemetry.CorrelationId"] = "corr-from-items";
            return next(context);
        }));

        using var response = await host.Client.GetAsync("/orders/ORDER_NOT_FOUND");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("corr-from-items", problem.GetProperty("correlationId").GetString());
    }

    [Fact]
    public async Task Create_CorrelationIdInBaggage_InTheProblem()
    {
        await using var host = await RequestFailuresTests.StartOrdersAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders/ORDER_NOT_FOUND");
        request.Headers.Add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        request.Headers.Add("baggage", "correlation.id=corr-from-baggage");
        using var response = await host.Client.SendAsync(request);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("corr-from-baggage", problem.GetProperty("correlationId").GetString());
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", problem.GetProperty("traceId").GetString());
    }

    [Fact]
    public async Task Create_NoIncomingCorrelationId_GeneratedIdInBodyAndResponseHeader()
    {
        await using var host = await RequestFailuresTests.StartOrdersAsync();

        using var response = await host.Client.GetAsync("/orders/ORDER_NOT_FOUND");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        var generated = problem.GetProperty("correlationId").GetString();
        Assert.Matches("^[0-9a-f]{32}$", generated);
        Assert.Equal(generated, Assert.Single(response.Headers.GetValues("X-Correlation-ID")));
    }

    [Fact]
    public async Task Complete_ApplicationWritesResultsProblemWithItsOwnCode_TitleKeptCodeOnSpanTypeFromCatalog()
    {
        await using var host = await TestWebHost.StartAsync(
            app => app.MapPost("/orders/{id}/pay", (string id) => Results.Problem(
                title: "This order is being edited by someone else.",
                statusCode: 409,
                extensions: new Dictionary<string, object?> { ["code"] = "ORDER_LOCKED" })),
            catalog: o => o.AddDefinitions(typeof(TestErrors)));

        using var response = await host.Client.PostAsync("/orders/7/pay", null);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var span = await host.ServerSpanAsync("/orders/7/pay");

        Assert.Equal(409, (int)response.StatusCode);
        Assert.Equal("ORDER_LOCKED", problem.GetProperty("code").GetString());
        Assert.Equal("This order is being edited by someone else.", problem.GetProperty("title").GetString());
        Assert.Equal("https://docs.example.com/errors/order-locked", problem.GetProperty("type").GetString());
        Assert.Equal("/orders/7/pay", problem.GetProperty("instance").GetString());
        Assert.Equal(span.TraceId, problem.GetProperty("traceId").GetString());
        Assert.Equal("ORDER_LOCKED", span.Tag("error.code"));
        Assert.Equal(1, host.FailureCount("ORDER_LOCKED", "POST /orders/{id}/pay"));
    }

    [Fact]
    public async Task Complete_ResultsProblem503_ServiceUnavailableWithRetryAfter()
    {
        await using var host = await TestWebHost.StartAsync(app => app.MapGet("/ready", () => Results.Problem(statusCode: 503)));

        using var response = await host.Client.GetAsync("/ready");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal("SERVICE_UNAVAILABLE", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("retryable").GetBoolean());
        Assert.Equal("30", Assert.Single(response.Headers.GetValues("Retry-After")));
        Assert.StartsWith("urn:error:", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Complete_StatusCodePagesWritesTheProblem_CodeAndTraceIdAdded()
    {
        await using var host = await TestWebHost.StartAsync(app =>
        {
            app.UseStatusCodePages();
            app.MapGet("/orders/{id}", (string id) => Results.NotFound());
        });

        using var response = await host.Client.GetAsync("/orders/3");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var span = await host.ServerSpanAsync("/orders/3");

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("HTTP_NOT_FOUND", problem.GetProperty("code").GetString());
        Assert.Equal(span.TraceId, problem.GetProperty("traceId").GetString());
        Assert.Equal("HTTP_NOT_FOUND", span.Tag("error.code"));
        Assert.Equal(1, host.FailureCount("HTTP_NOT_FOUND", "GET /orders/{id}"));
    }
}
