using System.Text;
using System.Text.Json;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;

namespace ErrorTelemetry.Tests.AspNetCore;

/// <summary>Minimal-API binding failures: the framework's BadHttpRequestException quotes the submitted value.</summary>
[Collection(TestWebHost.Collection)]
public class BadRequestsTests
{
    private const string Secret = "s3cr3t-jane.doe@example.com";

    [Fact]
    public async Task Classify_BodyIsNotJson_MalformedJsonProblemWithoutTheBody()
    {
        await using var host = await StartAsync();

        using var response = await host.Client.PostAsync("/orders", Json($"{{\"name\": \"{Secret}\", "));
        var body = await response.Content.ReadAsStringAsync();
        var span = await host.ServerSpanAsync("/orders");

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("VALIDATION_MALFORMED_JSON", problem.GetProperty("code").GetString());
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain("OrderRequest", body, StringComparison.Ordinal);
        Assert.Equal("VALIDATION_MALFORMED_JSON", span.Tag("error.code"));
        Assert.Equal("POST /orders", span.Name);
        Assert.DoesNotContain(span.Events, e => e.Name == "exception");
        Assert.Equal(1, host.FailureCount("VALIDATION_MALFORMED_JSON", "POST /orders"));
    }

    [Fact]
    public async Task Classify_JsonValueOfTheWrongType_ValidationFailedNamingTheFieldNotTheValue()
    {
        await using var host = await StartAsync();

        using var response = await host.Client.PostAsync("/orders", Json($"{{\"name\": \"x\", \"quantity\": \"{Secret}\"}}"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(400, (int)response.StatusCode);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("VALIDATION_FAILED", problem.GetProperty("code").GetString());
        var errors = problem.GetProperty("errors");
        Assert.Equal("The value is not valid.", Assert.Single(errors.GetProperty("$.quantity").EnumerateArray()).GetString());
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classify_QueryParameterDoesNotParse_ValidationFailedNamingTheParameter()
    {
        await using var host = await StartAsync();

        using var response = await host.Client.GetAsync($"/orders?page={Uri.EscapeDataString(Secret)}");
        var body = await response.Content.ReadAsStringAsync();
        var span = await host.ServerSpanAsync("/orders");

        Assert.Equal(400, (int)response.StatusCode);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("VALIDATION_FAILED", problem.GetProperty("code").GetString());
        Assert.Equal("The value is not valid.", Assert.Single(problem.GetProperty("errors").GetProperty("page").EnumerateArray()).GetString());
        Assert.Equal("Correct the fields listed in 'errors' and send the request again.", problem.GetProperty("detail").GetString());
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        Assert.Equal("VALIDATION_FAILED", span.Tag("error.code"));
        Assert.Equal(1, host.FailureCount("VALIDATION_FAILED", "GET /orders"));
    }

    [Fact]
    public async Task Classify_RequiredQueryParameterMissing_RuleIsAValueIsRequired()
    {
        await using var host = await StartAsync();

        using var response = await host.Client.GetAsync("/orders");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("A value is required.", Assert.Single(problem.GetProperty("errors").GetProperty("page").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task Classify_WrongContentType_UnsupportedMediaTypeProblem()
    {
        await using var host = await StartAsync();

        using var response = await host.Client.PostAsync("/orders", new StringContent("name=x", Encoding.UTF8, "text/plain"));
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var span = await host.ServerSpanAsync("/orders");

        Assert.Equal(415, (int)response.StatusCode);
        Assert.Equal("HTTP_UNSUPPORTED_MEDIA_TYPE", problem.GetProperty("code").GetString());
        Assert.Equal(415, problem.GetProperty("status").GetInt32());
        Assert.Equal("HTTP_UNSUPPORTED_MEDIA_TYPE", span.Tag("error.code"));
    }

    [Fact]
    public async Task OnExceptionHandlerAsync_ApplicationUsesExceptionHandler_BindingFailureStays400NotA500()
    {
        // The framework's exception handler answers a BadHttpRequestException with 500; ours answers it first.
        await using var host = await StartAsync(app => app.UseExceptionHandler());

        using var response = await host.Client.PostAsync("/orders", Json("{\"name\": "));
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("VALIDATION_MALFORMED_JSON", problem.GetProperty("code").GetString());
        Assert.Equal("/orders", problem.GetProperty("instance").GetString());
    }

    private static Task<TestWebHost> StartAsync(Action<WebApplication>? before = null) =>
        TestWebHost.StartAsync(app =>
        {
            before?.Invoke(app);
            app.MapPost("/orders", (OrderRequest order) => order.Name);
            app.MapGet("/orders", (int page) => page);
        });

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
