using ErrorTelemetry.Tests.AspNetCore;
using ErrorTelemetry.Tests.Redaction;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Tests.Compatibility;

/// <summary>
/// The compatibility matrix: one end-to-end run per host setup users have, each asserting the same contract
/// (<see cref="CompatibilityContract"/>). Add a row to <see cref="Rows"/>; the README lists what the rows cover.
/// </summary>
[Collection(TestWebHost.Collection)]
public class CompatibilityMatrixTests
{
    private static readonly Probe Anonymous = new("/compat/admin", "AUTHENTICATION_REQUIRED", 401);

    private static readonly Probe Forbidden = new("/compat/admin", "HTTP_FORBIDDEN", 403)
    {
        Headers = new Dictionary<string, string> { [TestAuthentication.UserHeader] = "bob" },
    };

    public static readonly IReadOnlyDictionary<string, HostSetup> Rows = new[]
    {
        new HostSetup("Production, minimal APIs"),
        new HostSetup("Development, minimal APIs") { Environment = "Development" },
        ExceptionHandlerRow("AddProblemDetails and UseExceptionHandler before UseErrorTelemetry", handlerFirst: true),
        ExceptionHandlerRow("AddProblemDetails and UseExceptionHandler after UseErrorTelemetry", handlerFirst: false),
        new HostSetup("Custom IExceptionHandler that handles one type and declines others")
        {
            Services = static b => b.Services.AddProblemDetails().AddExceptionHandler<AlreadyPaidHandler>(),
            Pipeline = static app =>
            {
                app.UseErrorTelemetry();
                app.UseExceptionHandler();
                HostSetup.MapStandardEndpoints(app);
            },
            Probes = [Probe.Thrown(TestErrors.OrderAlreadyPaid) with { OwnBody = AlreadyPaidHandler.Body }, Probe.Thrown(TestErrors.QuotaExceeded), Probe.Thrown(TestErrors.PaymentProviderFailed)],
        },
        new HostSetup("UseStatusCodePages")
        {
            Pipeline = static app =>
            {
                app.UseErrorTelemetry();
                app.UseStatusCodePages();
                HostSetup.MapStandardEndpoints(app);
            },
            Probes = [new("/compat/status/404", "HTTP_NOT_FOUND", 404), Probe.Thrown(TestErrors.QuotaExceeded), Probe.Thrown(TestErrors.PaymentProviderFailed)],
        },
        new HostSetup("Results.Problem with personal data in its detail")
        {
            Probes = [new("/compat/problem", "HTTP_CONFLICT", 409)],
        },
        new HostSetup("MVC controllers, [ApiController] with model validation")
        {
            Services = static b => b.Services.AddControllers().AddApplicationPart(typeof(CompatibilityController).Assembly),
            Pipeline = static app =>
            {
                app.UseErrorTelemetry();
                app.MapControllers();
            },
            Probes =
            [
                new("/mvc/orders", "VALIDATION_FAILED", 400) { Method = HttpMethod.Post, JsonBody = "{\"quantity\":500,\"email\":\"hunter2\"}" },
                new("/mvc/compat/throw/QUOTA_EXCEEDED", "QUOTA_EXCEEDED", 429),
                new("/mvc/compat/throw/PAYMENT_PROVIDER_FAILED", "PAYMENT_PROVIDER_FAILED", 502),
            ],
        },
        new HostSetup("RequireAuthorization with the automatically added authentication middleware")
        {
            Services = static b => TestAuthentication.Add(b.Services, ("Admin", "admin")),
            Probes = [Anonymous, Forbidden, Probe.Thrown(TestErrors.PaymentProviderFailed)],
        },
        new HostSetup("RequireAuthorization with explicit UseAuthentication and UseAuthorization")
        {
            Services = static b => TestAuthentication.Add(b.Services, ("Admin", "admin")),
            Pipeline = static app =>
            {
                app.UseErrorTelemetry();
                app.UseAuthentication();
                app.UseAuthorization();
                HostSetup.MapStandardEndpoints(app);
            },
            Probes = [Anonymous, Forbidden, Probe.Thrown(TestErrors.PaymentProviderFailed)],
        },
        new HostSetup("A custom ActivitySource span the failure passes through")
        {
            Probes =
            [
                new("/compat/checkout/QUOTA_EXCEEDED", "QUOTA_EXCEEDED", 429) { FailedSpans = ["checkout"] },
                new("/compat/checkout/PAYMENT_PROVIDER_FAILED", "PAYMENT_PROVIDER_FAILED", 502) { FailedSpans = ["checkout"] },
            ],
        },
    }.ToDictionary(static r => r.Name);

    private static HostSetup ExceptionHandlerRow(string name, bool handlerFirst) => new(name)
    {
        Services = static b => b.Services.AddProblemDetails(),
        Pipeline = app =>
        {
            if (handlerFirst)
            {
                app.UseExceptionHandler();
            }

            app.UseErrorTelemetry();
            if (!handlerFirst)
            {
                app.UseExceptionHandler();
            }

            HostSetup.MapStandardEndpoints(app);
        },
    };

    public static TheoryData<string> RowNames => [.. Rows.Keys];

    [Theory]
    [MemberData(nameof(RowNames))]
    public async Task Request_HostSetup_ContractKept(string row)
    {
        var setup = Rows[row];
        var console = new RecordingLoggerProvider();
        await using var host = await TestWebHost.StartAsync(
            setup.Pipeline,
            services: b =>
            {
                b.Logging.AddProvider(console);
                b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddSource(HostSetup.CustomSourceName));
                setup.Services?.Invoke(b);
            },
            catalog: static o => o.AddDefinitions(typeof(TestErrors)),
            environment: setup.Environment,
            useErrorTelemetry: false);

        await CompatibilityContract.AssertAsync(host, console, setup.Probes);
    }
}
