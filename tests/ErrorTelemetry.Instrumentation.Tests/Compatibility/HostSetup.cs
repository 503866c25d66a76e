using System.Diagnostics;
using ErrorTelemetry.Tests.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ErrorTelemetry.Tests.Compatibility;

/// <summary>
/// One row of the compatibility matrix: a host setup users have (an environment, their own error handling, their
/// own middleware, their own OpenTelemetry) and the requests that must keep the contract in it.
/// </summary>
/// <remarks>
/// A row adds services and middleware around the standard endpoints (<see cref="MapStandardEndpoints"/>); it calls
/// <c>app.UseErrorTelemetry()</c> itself through <see cref="Pipeline"/>, so it decides what comes before and after.
/// </remarks>
public sealed record HostSetup(string Name)
{
    /// <summary>The planted secrets: none may reach an exporter, the HTTP client or a logging provider.</summary>
    public static readonly string[] Secrets = ["hunter2", "bob@example.com", "dave@example.com"];

    /// <summary>The message every failing endpoint throws with.</summary>
    public const string SecretMessage = "Timeout for user=admin;Password=hunter2 serving bob@example.com";

    public const string CustomSourceName = "Compat.Checkout";

    public string Environment { get; init; } = "Production";

    /// <summary>Services the application adds before <c>AddErrorTelemetry()</c>.</summary>
    public Action<WebApplicationBuilder>? Services { get; init; }

    /// <summary>The application's pipeline; the default is <c>app.UseErrorTelemetry()</c> and the standard endpoints.</summary>
    public Action<WebApplication> Pipeline { get; init; } = static app =>
    {
        app.UseErrorTelemetry();
        MapStandardEndpoints(app);
    };

    /// <summary>The requests of this row and what each must answer; by default a coded 4xx and a coded 5xx thrown by an endpoint.</summary>
    public IReadOnlyList<Probe> Probes { get; init; } = [Probe.Thrown(TestErrors.QuotaExceeded), Probe.Thrown(TestErrors.PaymentProviderFailed)];

    public override string ToString() => Name;

    /// <summary>
    /// <c>/compat/throw/{code}</c> throws the code with <see cref="SecretMessage"/>; <c>/compat/problem</c> answers
    /// <c>Results.Problem</c> with personal data in its detail; <c>/compat/admin</c> requires the Admin policy;
    /// <c>/compat/checkout/{code}</c> throws inside a span of the application's own <see cref="CustomSourceName"/>.
    /// </summary>
    public static void MapStandardEndpoints(WebApplication app)
    {
        app.MapGet("/compat/throw/{code}", string (string code, ErrorCatalog catalog) => throw new CodedException(catalog.Get(code), SecretMessage));
        app.MapGet("/compat/problem", () => Results.Problem(detail: "The order of dave@example.com is locked.", statusCode: StatusCodes.Status409Conflict));
        app.MapGet("/compat/status/{status:int}", (int status) => Results.StatusCode(status));
        app.MapGet("/compat/admin", () => "admin only").RequireAuthorization("Admin");
        app.MapGet("/compat/checkout/{code}", string (string code, ErrorCatalog catalog) =>
        {
            using var checkout = CompatibilitySource.Instance.StartActivity("checkout");
            throw new CodedException(catalog.Get(code), SecretMessage);
        });
    }
}

/// <summary>One request of a matrix row and the answer it must get.</summary>
/// <param name="Path">The request path.</param>
/// <param name="Code">The code the span, the count, the header and the body must carry.</param>
/// <param name="Status">The HTTP status the client must get.</param>
/// <param name="OwnBody">The body the application wrote itself (a custom exception handler), which must be kept; null for problem details.</param>
public sealed record Probe(string Path, string Code, int Status, string? OwnBody = null)
{
    public HttpMethod Method { get; init; } = HttpMethod.Get;

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public string? JsonBody { get; init; }

    /// <summary>Spans of the application's own sources the failure passes through: each must carry the code too.</summary>
    public IReadOnlyList<string> FailedSpans { get; init; } = [];

    /// <summary>An endpoint throws a coded exception; the catalog decides status and code.</summary>
    public static Probe Thrown(ErrorDefinition definition) => new($"/compat/throw/{definition.Code}", definition.Code, definition.HttpStatus);

    public HttpRequestMessage ToRequest()
    {
        var request = new HttpRequestMessage(Method, Path);
        request.Headers.Accept.ParseAdd("application/json");
        foreach (var header in Headers)
        {
            request.Headers.Add(header.Key, header.Value);
        }

        if (JsonBody is not null)
        {
            request.Content = new StringContent(JsonBody, System.Text.Encoding.UTF8, "application/json");
        }

        return request;
    }
}

/// <summary>The application's own <see cref="ActivitySource"/>, as a checkout service would declare it.</summary>
internal static class CompatibilitySource
{
    public static readonly ActivitySource Instance = new(HostSetup.CustomSourceName);
}

/// <summary>An MVC controller that fails the way the minimal-API endpoint does.</summary>
[ApiController]
[Route("mvc/compat")]
public sealed class CompatibilityController : ControllerBase
{
    [HttpGet("throw/{code}")]
    public IActionResult Throw(string code, [FromServices] ErrorCatalog catalog) => throw new CodedException(catalog.Get(code), HostSetup.SecretMessage);
}

/// <summary>
/// An application's own exception handler: answers ORDER_ALREADY_PAID itself, declines everything else.
/// </summary>
internal sealed class AlreadyPaidHandler : Microsoft.AspNetCore.Diagnostics.IExceptionHandler
{
    public const string Body = "{\"message\":\"already paid\"}";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not CodedException { Definition.Code: "ORDER_ALREADY_PAID" })
        {
            return false;
        }

        httpContext.Response.StatusCode = StatusCodes.Status409Conflict;
        httpContext.Response.ContentType = "application/json";
        await httpContext.Response.WriteAsync(Body, cancellationToken);
        return true;
    }
}
