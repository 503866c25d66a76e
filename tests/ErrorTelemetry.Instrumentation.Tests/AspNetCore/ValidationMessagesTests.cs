using System.Text;
using System.Text.Json;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ErrorTelemetry.Tests.AspNetCore;

/// <summary>Validation failures found by the framework (MVC ModelState, minimal-API AddValidation): field names and rules, never values.</summary>
[Collection(TestWebHost.Collection)]
public class ValidationMessagesTests
{
    private const string Secret = "s3cr3t-jane.doe@example.com";

    [Fact]
    public async Task Customize_MvcApiControllerInvalidModel_ValidationFailedWithFieldErrors()
    {
        await using var host = await StartMvcAsync();

        using var response = await host.Client.PostAsync("/mvc/orders", Json("{\"quantity\": 500, \"email\": \"not-an-address\"}"));
        var body = await response.Content.ReadAsStringAsync();
        var span = await host.ServerSpanAsync("/mvc/orders");

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("VALIDATION_FAILED", problem.GetProperty("code").GetString());
        Assert.Equal("urn:error:VALIDATION_FAILED", problem.GetProperty("type").GetString());
        Assert.Equal(span.TraceId, problem.GetProperty("traceId").GetString());
        Assert.False(problem.GetProperty("retryable").GetBoolean());
        var errors = problem.GetProperty("errors");
        Assert.Contains("required", errors.GetProperty("Name")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("between 1 and 100", errors.GetProperty("Quantity")[0].GetString(), StringComparison.Ordinal);
        Assert.True(errors.TryGetProperty("Email", out _));
        Assert.DoesNotContain("not-an-address", body, StringComparison.Ordinal);

        Assert.Equal("VALIDATION_FAILED", span.Tag("error.code"));
        Assert.Equal("POST mvc/orders", span.Name);
        Assert.Equal(1, host.FailureCount("VALIDATION_FAILED", "POST mvc/orders"));
    }

    [Fact]
    public async Task Configure_MvcJsonValueOfTheWrongType_NoValueNoParserInternals()
    {
        await using var host = await StartMvcAsync();

        using var response = await host.Client.PostAsync("/mvc/orders", Json($"{{\"name\": \"x\", \"quantity\": \"{Secret}\"}}"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(400, (int)response.StatusCode);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("VALIDATION_FAILED", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("$.quantity", out _));
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", body, StringComparison.Ordinal);
        Assert.DoesNotContain("OrderRequest", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configure_MvcRouteValueDoesNotBind_RuleWithoutTheAttemptedValue()
    {
        await using var host = await StartMvcAsync();

        using var response = await host.Client.GetAsync("/mvc/orders/s3cr3t");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(400, (int)response.StatusCode);
        var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
        Assert.Equal("The value is not valid.", errors.GetProperty("id")[0].GetString());
        Assert.DoesNotContain("s3cr3t", errors.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Customize_MinimalApiAddValidation_ValidationFailedWithDataAnnotationsRules()
    {
        await using var host = await TestWebHost.StartAsync(
            app =>
            {
                app.MapPost("/orders", (OrderRequest order) => order.Name);
                app.MapGet("/orders", ([System.ComponentModel.DataAnnotations.Range(1, 10)] int page) => page);
            },
            services: b => b.Services.AddValidation());

        using var body = await host.Client.PostAsync("/orders", Json("{\"quantity\": 500}"));
        var bodyProblem = JsonDocument.Parse(await body.Content.ReadAsStringAsync()).RootElement;
        var span = await host.ServerSpanAsync("/orders");
        using var query = await host.Client.GetAsync("/orders?page=50");
        var queryProblem = JsonDocument.Parse(await query.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(400, (int)body.StatusCode);
        Assert.Equal("VALIDATION_FAILED", bodyProblem.GetProperty("code").GetString());
        Assert.Equal("The request is not valid.", bodyProblem.GetProperty("title").GetString());
        Assert.True(bodyProblem.GetProperty("errors").TryGetProperty("Name", out _));
        Assert.True(bodyProblem.GetProperty("errors").TryGetProperty("Quantity", out _));
        Assert.Equal("VALIDATION_FAILED", span.Tag("error.code"));

        Assert.Equal(400, (int)query.StatusCode);
        Assert.Equal("VALIDATION_FAILED", queryProblem.GetProperty("code").GetString());
        Assert.Contains("between 1 and 10", queryProblem.GetProperty("errors").GetProperty("page")[0].GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("50", queryProblem.GetProperty("errors").GetProperty("page")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Customize_ExplicitValidationProblem_KeepsTheApplicationsErrorsAndAddsTheCode()
    {
        await using var host = await TestWebHost.StartAsync(app =>
            app.MapPost("/transfers", () => Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["amount"] = ["The amount must be positive."],
                ["iban"] = [$"The value '{Secret}' is not valid."],
            })));

        using var response = await host.Client.PostAsync("/transfers", Json("{}"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(400, (int)response.StatusCode);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("VALIDATION_FAILED", problem.GetProperty("code").GetString());
        Assert.Equal("The amount must be positive.", problem.GetProperty("errors").GetProperty("amount")[0].GetString());
        Assert.Equal("The value is not valid.", problem.GetProperty("errors").GetProperty("iban")[0].GetString());
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
    }

    private static Task<TestWebHost> StartMvcAsync() =>
        TestWebHost.StartAsync(
            app => app.MapControllers(),
            services: b => b.Services.AddControllers().AddApplicationPart(typeof(ValidationOrdersController).Assembly));

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
