using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ErrorTelemetry.Tests.AspNetCore;

[Collection(TestWebHost.Collection)]
public class RequestFailuresTests
{
    /// <summary>Personal data in an exception message: it must never reach a client.</summary>
    private const string Secret = "jane.doe@example.com";

    public static TheoryData<string, int, string, bool> Categories => new()
    {
        { "ORDER_INVALID", 400, "validation", false },
        { "TOKEN_EXPIRED", 401, "authentication", false },
        { "ORDER_ACCESS_DENIED", 403, "authorization", false },
        { "ORDER_NOT_FOUND", 404, "not_found", false },
        { "ORDER_ALREADY_PAID", 409, "conflict", false },
        { "QUOTA_EXCEEDED", 429, "rate_limited", true },
        { "ORDER_LIMIT_EXCEEDED", 422, "business_rule", false },
        { "PAYMENT_PROVIDER_FAILED", 502, "dependency", true },
        { "PAYMENT_PROVIDER_UNREACHABLE", 503, "connectivity", true },
        { "PAYMENT_PROVIDER_TIMEOUT", 504, "timeout", true },
        { "ORDER_STORE_UNAVAILABLE", 503, "storage", false },
        { "PAYMENT_KEY_MISSING", 500, "configuration", false },
    };

    [Theory]
    [MemberData(nameof(Categories))]
    public async Task AnswerExceptionAsync_CodedExceptionOfEachCategory_ProblemDetailsSpanAndOneCount(string code, int status, string category, bool retryable)
    {
        await using var host = await StartOrdersAsync();

        using var response = await host.Client.GetAsync($"/orders/{code}?customer={Secret}");
        var body = await response.Content.ReadAsStringAsync();
        var span = await host.ServerSpanAsync($"/orders/{code}");

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        var definition = host.Services.GetRequiredService<ErrorCatalog>().Get(code);
        Assert.Equal($"urn:error:{code}", problem.GetProperty("type").GetString());
        Assert.Equal(definition.Title, problem.GetProperty("title").GetString());
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.Equal($"/orders/{code}", problem.GetProperty("instance").GetString());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(retryable, problem.GetProperty("retryable").GetBoolean());
        Assert.Equal(span.TraceId, problem.GetProperty("traceId").GetString());
        Assert.False(problem.TryGetProperty("exception", out _));
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain("CodedException", body, StringComparison.Ordinal);
        if (status is 429 or 503)
        {
            Assert.Equal("30", Assert.Single(response.Headers.GetValues("Retry-After")));
        }
        else
        {
            Assert.False(response.Headers.Contains("Retry-After"));
        }

        Assert.Equal("GET /orders/{code}", span.Name);
        Assert.Equal("/orders/{code}", span.Tag("http.route"));
        Assert.Equal(status, span.Tag("http.response.status_code"));
        Assert.Equal(code, span.Tag("error.code"));
        Assert.Equal(code, span.Tag("error.type"));
        Assert.Equal(category, span.Tag("error.category"));
        Assert.Equal(status >= 500 ? ActivityStatusCode.Error : ActivityStatusCode.Unset, span.Status);
        Assert.Single(span.Events, e => e.Name == "exception");
        Assert.Equal(1, host.FailureCount(code, "GET /orders/{code}"));
    }

    [Fact]
    public async Task AnswerExceptionAsync_UnexpectedExceptionInProduction_500WithoutAnyExceptionText()
    {
        await using var host = await TestWebHost.StartAsync(app =>
            app.MapGet("/crash", string () => throw new InvalidOperationException($"Lookup failed for {Secret}")));

        using var response = await host.Client.GetAsync("/crash");
        var body = await response.Content.ReadAsStringAsync();
        var span = await host.ServerSpanAsync("/crash");

        Assert.Equal(500, (int)response.StatusCode);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("UNCLASSIFIED", problem.GetProperty("code").GetString());
        Assert.Equal("urn:error:UNCLASSIFIED", problem.GetProperty("type").GetString());
        Assert.False(problem.GetProperty("retryable").GetBoolean());
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Lookup failed", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
        Assert.False(problem.TryGetProperty("exception", out _));

        Assert.Equal("GET /crash", span.Name);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("UNCLASSIFIED", span.Tag("error.code"));
        Assert.Equal(1, host.FailureCount("UNCLASSIFIED", "GET /crash"));

        // The failure is logged once, for the on-call engineer, under the route and with its code.
        var log = Assert.Single(host.Logs.Items, l => l.Category == "ErrorTelemetry.AspNetCore");
        Assert.Equal("UNCLASSIFIED", log.Attribute("error.code"));
        // Redaction replaces the exception object with its redacted text before any exporter sees the record.
        Assert.Null(log.Exception);
        Assert.Equal("System.InvalidOperationException", log.Attribute("exception.type"));
    }

    [Fact]
    public async Task OnExceptionHandlerAsync_ApplicationHandlerHandlesTheException_StillRecordedAndCountedOnce()
    {
        await using var host = await TestWebHost.StartAsync(
            app =>
            {
                app.UseExceptionHandler();
                app.MapGet("/pay", string () => throw new CodedException(TestErrors.PaymentProviderFailed, $"Card of {Secret} declined"));
            },
            services: b => b.Services.AddExceptionHandler<TeapotHandler>(),
            catalog: o => o.AddDefinitions(typeof(TestErrors)));

        using var response = await host.Client.GetAsync("/pay");
        var span = await host.ServerSpanAsync("/pay");

        // The application's answer is untouched...
        Assert.Equal(418, (int)response.StatusCode);
        Assert.Equal("handled by the application", await response.Content.ReadAsStringAsync());

        // ...and the failure is still on the span and counted, although .NET suppresses its own diagnostics here.
        Assert.Single(span.Events, e => e.Name == "exception");
        Assert.Equal("PAYMENT_PROVIDER_FAILED", span.Tag("error.code"));
        Assert.Equal("GET /pay", span.Name);
        Assert.Equal("/pay", span.Tag("http.route"));
        Assert.Equal(418, span.Tag("http.response.status_code"));
        Assert.Equal(1, host.FailureCount("PAYMENT_PROVIDER_FAILED", "GET /pay"));
    }

    [Fact]
    public async Task OnErrorResponseAsync_ApplicationHandlerSetsOnlyAStatus_ProblemDetailsWithTheExceptionsCode()
    {
        await using var host = await TestWebHost.StartAsync(
            app =>
            {
                app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = static _ => Task.CompletedTask, StatusCodeSelector = static _ => 502 });
                app.MapGet("/pay", string () => throw new CodedException(TestErrors.PaymentProviderFailed));
            },
            catalog: o => o.AddDefinitions(typeof(TestErrors)));

        using var response = await host.Client.GetAsync("/pay");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var span = await host.ServerSpanAsync("/pay");

        Assert.Equal(502, (int)response.StatusCode);
        Assert.Equal("PAYMENT_PROVIDER_FAILED", problem.GetProperty("code").GetString());
        Assert.Equal("/pay", problem.GetProperty("instance").GetString());
        Assert.Equal("PAYMENT_PROVIDER_FAILED", span.Tag("error.code"));
        Assert.Equal(1, host.FailureCount("PAYMENT_PROVIDER_FAILED"));
    }

    [Fact]
    public async Task IsClientAbort_WrappedCancellationOfAbortedRequest_CancelledNotATimeout()
    {
        await using var host = await TestWebHost.StartAsync(app =>
            app.MapGet("/wrapped", (HttpContext context) =>
            {
                context.Abort();
                try
                {
                    context.RequestAborted.ThrowIfCancellationRequested();
                }
                catch (OperationCanceledException cancelled)
                {
                    // What a data layer does: its own exception type, the cancellation inside.
                    throw new TimeoutException("The query was cancelled.", cancelled);
                }

                return "never";
            }));

        await Assert.ThrowsAnyAsync<Exception>(() => host.Client.GetAsync("/wrapped"));
        var span = await host.ServerSpanAsync("/wrapped");

        Assert.Equal(499, span.Tag("http.response.status_code"));
        Assert.Equal("REQUEST_CANCELLED", span.Tag("error.code"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Equal(0, host.FailureCount("OPERATION_TIMEOUT"));
        Assert.Equal(0, host.FailureCount("DEPENDENCY_TIMEOUT"));
    }

    [Fact]
    public async Task OnClientAbort_ClientAbortsTheRequest_CancelledNotAServerFailure()
    {
        await using var host = await TestWebHost.StartAsync(app =>
            app.MapGet("/slow", (HttpContext context) =>
            {
                context.Abort();
                context.RequestAborted.ThrowIfCancellationRequested();
                return "never";
            }));

        await Assert.ThrowsAnyAsync<Exception>(() => host.Client.GetAsync("/slow"));
        var span = await host.ServerSpanAsync("/slow");

        Assert.Equal(499, span.Tag("http.response.status_code"));
        Assert.Equal("REQUEST_CANCELLED", span.Tag("error.code"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.DoesNotContain(span.Events, e => e.Name == "exception");
        Assert.Equal(0, host.FailureCount("UNCLASSIFIED"));
        Assert.DoesNotContain(host.Logs.Items, l => l.Category == "ErrorTelemetry.AspNetCore");
    }

    [Fact]
    public async Task AnswerExceptionAsync_ResponseAlreadyStarted_ConnectionAbortedAndFailureStillCounted()
    {
        await using var host = await TestWebHost.StartAsync(app =>
            app.MapGet("/stream", async (HttpContext context) =>
            {
                await context.Response.WriteAsync("partial");
                await context.Response.Body.FlushAsync();
                throw new InvalidOperationException("stream broke");
            }));

        // The client must not mistake a truncated body for a complete success.
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var response = await host.Client.GetAsync("/stream");
            await response.Content.ReadAsStringAsync();
        });
        var span = await host.ServerSpanAsync("/stream");

        Assert.Equal("UNCLASSIFIED", span.Tag("error.code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(1, host.FailureCount("UNCLASSIFIED", "GET /stream"));
    }

    [Theory]
    [InlineData(400, "HTTP_BAD_REQUEST", false)]
    [InlineData(404, "HTTP_NOT_FOUND", false)]
    [InlineData(406, "HTTP_NOT_ACCEPTABLE", false)]
    [InlineData(413, "HTTP_PAYLOAD_TOO_LARGE", false)]
    [InlineData(422, "HTTP_CLIENT_ERROR", false)]
    [InlineData(429, "RATE_LIMITED", true)]
    [InlineData(500, "HTTP_SERVER_ERROR", false)]
    [InlineData(502, "DEPENDENCY_HTTP_SERVER_ERROR", false)]
    [InlineData(503, "SERVICE_UNAVAILABLE", true)]
    [InlineData(504, "DEPENDENCY_TIMEOUT", false)]
    public async Task OnErrorResponseAsync_StatusWithoutBody_ProblemDetailsAndCodeOnTheSpan(int status, string code, bool retryAfter)
    {
        await using var host = await TestWebHost.StartAsync(app => app.MapGet("/status/{status:int}", (int status) => Results.StatusCode(status)));

        using var response = await host.Client.GetAsync($"/status/{status}");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var span = await host.ServerSpanAsync($"/status/{status}");

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Equal(span.TraceId, problem.GetProperty("traceId").GetString());
        Assert.Equal(retryAfter, response.Headers.Contains("Retry-After"));
        Assert.Equal(code, span.Tag("error.code"));
        Assert.Equal("GET /status/{status:int}", span.Name);
        Assert.Equal(status >= 500 ? ActivityStatusCode.Error : ActivityStatusCode.Unset, span.Status);
        Assert.Equal(1, host.FailureCount(code, "GET /status/{status:int}"));
    }

    [Fact]
    public async Task OnErrorResponseAsync_NoRouteMatches_NotFoundProblemAndSpanNamedByMethodOnly()
    {
        await using var host = await TestWebHost.StartAsync(app => app.MapGet("/orders/{id}", (string id) => id));

        using var response = await host.Client.GetAsync("/nowhere");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var span = await host.ServerSpanAsync("/nowhere");

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("HTTP_NOT_FOUND", problem.GetProperty("code").GetString());
        Assert.Equal("/nowhere", problem.GetProperty("instance").GetString());
        Assert.Equal("GET", span.Name);
        Assert.Null(span.Tag("http.route"));
        Assert.Equal(404, span.Tag("http.response.status_code"));
        Assert.Equal("HTTP_NOT_FOUND", span.Tag("error.code"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Equal(1, host.FailureCount("HTTP_NOT_FOUND", "GET"));
    }

    [Fact]
    public async Task OnErrorResponseAsync_WrongMethod_MethodNotAllowedProblem()
    {
        await using var host = await TestWebHost.StartAsync(app => app.MapGet("/orders/{id}", (string id) => id));

        using var response = await host.Client.DeleteAsync("/orders/7");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var span = await host.ServerSpanAsync("/orders/7");

        Assert.Equal(405, (int)response.StatusCode);
        Assert.Equal("HTTP_METHOD_NOT_ALLOWED", problem.GetProperty("code").GetString());
        Assert.Equal("HTTP_METHOD_NOT_ALLOWED", span.Tag("error.code"));
        Assert.Equal(1, host.FailureCount("HTTP_METHOD_NOT_ALLOWED"));
    }

    [Fact]
    public async Task OnErrorResponseAsync_ImplicitAuthorizationChallengesAndForbids_ProblemDetailsAndHeadersKept()
    {
        await using var host = await TestWebHost.StartAsync(
            app => app.MapGet("/admin", () => "secret").RequireAuthorization("Admin"),
            services: b => TestAuthentication.Add(b.Services, ("Admin", "admin")));

        using var anonymous = await host.Client.GetAsync("/admin");
        var anonymousProblem = JsonDocument.Parse(await anonymous.Content.ReadAsStringAsync()).RootElement;
        var anonymousSpan = await host.ServerSpanAsync("/admin");
        host.Spans.Clear();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin");
        request.Headers.Add(TestAuthentication.UserHeader, "bob");
        using var forbidden = await host.Client.SendAsync(request);
        var forbiddenProblem = JsonDocument.Parse(await forbidden.Content.ReadAsStringAsync()).RootElement;
        var forbiddenSpan = await host.ServerSpanAsync("/admin");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(TestAuthentication.SchemeName, anonymous.Headers.WwwAuthenticate.ToString());
        Assert.Equal("AUTHENTICATION_REQUIRED", anonymousProblem.GetProperty("code").GetString());
        Assert.Equal("AUTHENTICATION_REQUIRED", anonymousSpan.Tag("error.code"));
        Assert.Equal("GET /admin", anonymousSpan.Name);

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("HTTP_FORBIDDEN", forbiddenProblem.GetProperty("code").GetString());
        Assert.Equal("HTTP_FORBIDDEN", forbiddenSpan.Tag("error.code"));
        Assert.Equal(1, host.FailureCount("AUTHENTICATION_REQUIRED", "GET /admin"));
        Assert.Equal(1, host.FailureCount("HTTP_FORBIDDEN", "GET /admin"));

        // The implicit authorization middleware answers ahead of the application's middleware: correlated all the same.
        AssertCorrelated(anonymous, anonymousProblem, anonymousSpan, "AUTHENTICATION_REQUIRED");
        AssertCorrelated(forbidden, forbiddenProblem, forbiddenSpan, "HTTP_FORBIDDEN");
        Assert.All(host.Logs.Items.Where(l => l.TraceId == forbiddenSpan.TraceId), l => Assert.Equal(forbiddenSpan.Tag("correlation.id"), l.Attribute("correlation.id")));
    }

    private static void AssertCorrelated(HttpResponseMessage response, JsonElement problem, ErrorTelemetry.Tests.TestSupport.SpanSnapshot span, string code)
    {
        var id = Assert.Single(response.Headers.GetValues("X-Correlation-ID"));
        Assert.Equal(code, Assert.Single(response.Headers.GetValues("X-Error-Code")));
        Assert.Equal(id, problem.GetProperty("correlationId").GetString());
        Assert.Equal(id, span.Tag("correlation.id"));
    }

    [Fact]
    public async Task OnErrorResponseAsync_ApplicationWroteItsOwnBody_BodyKeptAndFailureCounted()
    {
        await using var host = await TestWebHost.StartAsync(app =>
            app.MapGet("/orders/{id}", (string id) => Results.NotFound(new { message = "no such order" })));

        using var response = await host.Client.GetAsync("/orders/9");
        var span = await host.ServerSpanAsync("/orders/9");

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no such order", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString());
        Assert.Equal("HTTP_NOT_FOUND", span.Tag("error.code"));
        Assert.Equal(1, host.FailureCount("HTTP_NOT_FOUND", "GET /orders/{id}"));
    }

    [Fact]
    public async Task UseErrorTelemetry_NotCalled_NoProblemDetailsWritten()
    {
        await using var host = await TestWebHost.StartAsync(app => app.MapGet("/orders/{id}", (string id) => id), useErrorTelemetry: false);

        using var response = await host.Client.GetAsync("/nowhere");

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AnswerExceptionAsync_OnKestrel_ProblemDetailsAndCompletedSpan()
    {
        await using var host = await TestWebHost.StartAsync(
            app => app.MapGet("/orders/{code}", string (string code, ErrorCatalog catalog) => throw new CodedException(catalog.Get(code), Secret)),
            catalog: o => o.AddDefinitions(typeof(TestErrors)),
            kestrel: true);

        using var response = await host.Client.GetAsync("/orders/PAYMENT_PROVIDER_UNREACHABLE");
        var body = await response.Content.ReadAsStringAsync();
        var span = await host.ServerSpanAsync("/orders/PAYMENT_PROVIDER_UNREACHABLE");

        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("30", Assert.Single(response.Headers.GetValues("Retry-After")));
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("PAYMENT_PROVIDER_UNREACHABLE", problem.GetProperty("code").GetString());
        Assert.Equal(span.TraceId, problem.GetProperty("traceId").GetString());
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        Assert.Equal("GET /orders/{code}", span.Name);
        Assert.Equal("/orders/{code}", span.Tag("http.route"));
        Assert.Equal(503, span.Tag("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(1, host.FailureCount("PAYMENT_PROVIDER_UNREACHABLE", "GET /orders/{code}"));
    }

    [Theory]
    [InlineData("/sync", false)]
    [InlineData("/async", true)]
    public async Task InvokeAsync_EndpointThrows_StackTraceFromThrowToWhereWeCaughtIt(string path, bool awaited)
    {
        await using var host = await TestWebHost.StartAsync(app =>
        {
            app.MapGet("/sync", string () => throw new InvalidOperationException("boom"));
            app.MapGet("/async", async Task<string> () =>
            {
                await Task.Yield();
                throw new InvalidOperationException("boom");
            });
        });

        using var response = await host.Client.GetAsync(path);
        var span = await host.ServerSpanAsync(path);

        // Thrown before the pipeline's first await, the exception is answered where our synchronous frame caught it,
        // not rethrown into our async frame first (rendering an async frame costs a reflection walk per failure).
        Assert.Equal(500, (int)response.StatusCode);
        var exception = Assert.Single(span.Events, e => e.Name == "exception");
        var stackTrace = Assert.IsType<string>(exception.Tags["exception.stacktrace"]);
        Assert.StartsWith("System.InvalidOperationException: boom", stackTrace, StringComparison.Ordinal);
        Assert.Contains("RequestFailuresTests", stackTrace, StringComparison.Ordinal);
        Assert.Equal(awaited, stackTrace.Contains("--- End of stack trace from previous location ---", StringComparison.Ordinal));
        if (!awaited)
        {
            // After an await, whether our async frame is in the trace depends on whether the pipeline's task had
            // already faulted on the thread pool when the middleware looked at it; before one, it never is.
            Assert.DoesNotContain(".InvokeCoreAsync(", stackTrace, StringComparison.Ordinal);
        }
        Assert.Equal("UNCLASSIFIED", span.Tag("error.code"));
        Assert.Equal(1, host.FailureCount("UNCLASSIFIED", $"GET {path}"));
    }

    [Fact]
    public async Task AnswerExceptionAsync_ProblemWriterFails_ServerAnswersAsIfWeWereNotThere()
    {
        await using var host = await TestWebHost.StartAsync(
            app => app.MapGet("/crash", string () => throw new InvalidOperationException("boom")),
            services: b => b.Services.AddProblemDetails(o => o.CustomizeProblemDetails = _ => throw new FormatException("bug in the application's customization")),
            kestrel: true);

        using var response = await host.Client.GetAsync("/crash");
        var span = await host.ServerSpanAsync("/crash");

        Assert.Equal(500, (int)response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync());
        Assert.Equal("UNCLASSIFIED", span.Tag("error.code"));
        Assert.Single(span.Events, e => e.Name == "exception" && Equals(e.Tags["exception.type"], typeof(InvalidOperationException).FullName));
        Assert.Equal(1, host.FailureCount("UNCLASSIFIED", "GET /crash"));
    }

    [Fact]
    public async Task Customize_DevelopmentExceptionPageAnswers_ExceptionRecordedAndCountedOnce()
    {
        // In Development the host puts its developer exception page inside our middleware; it answers, we record.
        await using var host = await TestWebHost.StartAsync(
            app => app.MapGet("/crash", string () => throw new InvalidOperationException("boom")),
            environment: "Development");

        using var response = await host.Client.GetAsync("/crash");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var span = await host.ServerSpanAsync("/crash");

        Assert.Equal(500, (int)response.StatusCode);
        Assert.Equal("UNCLASSIFIED", problem.GetProperty("code").GetString());
        Assert.Equal("UNCLASSIFIED", span.Tag("error.code"));
        Assert.Equal("GET /crash", span.Name);

        // Development gets the richer diagnostics, redacted like everything else (the matrix plants the secrets).
        Assert.Equal("System.InvalidOperationException", problem.GetProperty("exception").GetProperty("type").GetString());
        Assert.Equal("boom", problem.GetProperty("exception").GetProperty("message").GetString());
        Assert.Equal(1, host.FailureCount("UNCLASSIFIED"));
    }

    internal static Task<TestWebHost> StartOrdersAsync(Action<WebApplication>? map = null, Action<WebApplicationBuilder>? services = null, IDictionary<string, string?>? settings = null) =>
        TestWebHost.StartAsync(
            app =>
            {
                map?.Invoke(app);
                app.MapGet("/orders/{code}", string (string code, ErrorCatalog catalog) =>
                    throw new CodedException(catalog.Get(code), $"Order of {Secret} failed"));
            },
            services,
            settings,
            catalog: o => o.AddDefinitions(typeof(TestErrors)));

    private sealed class TeapotHandler : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            httpContext.Response.StatusCode = 418;
            await httpContext.Response.WriteAsync("handled by the application", cancellationToken);
            return true;
        }
    }
}
