using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Benchmarks.Support;

/// <summary>How the benchmark host is instrumented.</summary>
internal enum HostKind
{
    /// <summary>No telemetry; exceptions become problem details the standard way (<c>AddProblemDetails()</c> + <c>UseExceptionHandler()</c>).</summary>
    NoTelemetry,

    /// <summary>As <see cref="NoTelemetry"/>, plus <c>AddOpenTelemetry()</c> with the official ASP.NET Core and HttpClient instrumentations, meters and logs.</summary>
    BareOpenTelemetry,

    /// <summary><c>builder.AddErrorTelemetry()</c> + <c>app.UseErrorTelemetry()</c> instead of the standard exception handling.</summary>
    ErrorTelemetry,
}

/// <summary>
/// The same minimal API application on the in-memory test server, in one of three <see cref="HostKind"/>s. Every
/// kind logs at Warning with no console provider, and exports (where it exports at all) spans and metrics to no-op
/// exporters and log records to a <see cref="RenderingLogExporter"/> (which renders a logged exception as OTLP does), so the
/// difference between kinds is pipeline cost only.
/// </summary>
internal sealed class BenchmarkWebApp : IAsyncDisposable
{
    public const string SuccessPath = "/orders/1";
    public const string FailurePath = "/orders/2";

    /// <summary>A catalogued error, thrown by the endpoint for order 2.</summary>
    public static readonly ErrorDefinition DatabaseTimeout = new("DEPENDENCY_DB_TIMEOUT", ErrorCategory.Timeout, "The service is temporarily slow. Please try again.")
    {
        Owner = "storefront-dba",
        Retryable = true,
        HttpStatus = 503,
    };

    // ASP.NET Core's and HttpClient's meters, as AddErrorTelemetry() listens to them.
    private static readonly string[] NativeMeters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.Routing",
        "System.Net.Http",
    ];

    private readonly WebApplication _app;

    private BenchmarkWebApp(WebApplication app, bool loopback)
    {
        _app = app;
        if (loopback)
        {
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            Address = new Uri(address);
            Client = new HttpClient { BaseAddress = Address };
        }
        else
        {
            Client = app.GetTestClient();
        }
    }

    /// <summary>Gets where the app listens on loopback, or <see langword="null"/> on the in-memory test server.</summary>
    public Uri? Address { get; }

    public HttpClient Client { get; }

    /// <summary>Starts the app on the in-memory test server, or with <paramref name="loopback"/> on Kestrel at 127.0.0.1 on a free port.</summary>
    public static async Task<BenchmarkWebApp> StartAsync(HostKind kind, bool loopback = false)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ApplicationName = typeof(BenchmarkWebApp).Assembly.GetName().Name,
        });
        if (loopback)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["ErrorTelemetry:ExportOtlp"] = "false",
        });

        switch (kind)
        {
            case HostKind.NoTelemetry:
                builder.Services.AddProblemDetails();
                break;
            case HostKind.BareOpenTelemetry:
                builder.Services.AddProblemDetails();

                // What a team that already uses OpenTelemetry runs: the hosting package, the official ASP.NET Core and
                // HttpClient instrumentations, the same native meters and the same exporters as ours.
                builder.Services.AddOpenTelemetry()
                    .WithTracing(t => t
                        .AddAspNetCoreInstrumentation()
                        .AddHttpClientInstrumentation()
                        .AddProcessor(new BatchActivityExportProcessor(new NoopExporter<Activity>())))
                    .WithMetrics(m => m
                        .AddMeter(NativeMeters)
                        .AddReader(new BaseExportingMetricReader(new NoopExporter<Metric>())))
                    .WithLogging(l => l.AddProcessor(new BatchLogRecordExportProcessor(new RenderingLogExporter())));
                break;
            case HostKind.ErrorTelemetry:
                // No metric reader of our own: AddErrorTelemetry() always has its Prometheus scrape reader, which
                // aggregates like the bare side's one reader does.
                builder.AddErrorTelemetry(o => o.AddDefinition(DatabaseTimeout))
                    .WithTracing(t => t.AddProcessor(new BatchActivityExportProcessor(new NoopExporter<Activity>())))
                    .WithLogging(l => l.AddProcessor(new BatchLogRecordExportProcessor(new RenderingLogExporter())));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }

        var app = builder.Build();
        if (kind == HostKind.ErrorTelemetry)
        {
            app.UseErrorTelemetry();
        }
        else
        {
            app.UseExceptionHandler();
        }

        app.MapGet("/orders/{id:int}", static (int id) => id == 1
            ? Results.Ok(new Order(id, "shipped", 99.5m, "NL"))
            : throw new CodedException(DatabaseTimeout));

        await app.StartAsync();
        var started = new BenchmarkWebApp(app, loopback);
        try
        {
            await started.CheckAsync(kind);
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }

        return started;
    }

    /// <summary>
    /// Sends <paramref name="requests"/> requests to <paramref name="path"/> and waits for each: until tiered compilation
    /// has settled, a request costs several times what it costs later, and more so in the host with more code.
    /// </summary>
    public Task WarmUpAsync(string path, int requests) => SendInTurnAsync(path, requests);

    /// <summary>Sends <paramref name="requests"/> requests to <paramref name="path"/> one after another, awaiting each, as one client on one connection does.</summary>
    public async Task SendInTurnAsync(string path, int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            await GetAsync(path);
        }
    }

    /// <summary>Exports what the batch processors hold now (spans and log records), so their queues are empty.</summary>
    public void ForceFlush()
    {
        _app.Services.GetService<TracerProvider>()?.ForceFlush();
        _app.Services.GetService<LoggerProvider>()?.ForceFlush();
    }

    public async Task<int> GetAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        return (int)response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    // A benchmark of a request that does not do what its name says measures nothing: check both answers once.
    private async Task CheckAsync(HostKind kind)
    {
        using var ok = await Client.GetAsync(SuccessPath);
        var okBody = await ok.Content.ReadAsStringAsync();
        if (ok.StatusCode != HttpStatusCode.OK || !okBody.Contains("shipped", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{kind}: GET {SuccessPath} answered {(int)ok.StatusCode}: {okBody}");
        }

        using var failed = await Client.GetAsync(FailurePath);
        var failedBody = await failed.Content.ReadAsStringAsync();
        var expectedStatus = kind == HostKind.ErrorTelemetry ? DatabaseTimeout.HttpStatus : 500;
        var isProblem = failed.Content.Headers.ContentType?.MediaType == "application/problem+json";
        var hasCode = kind != HostKind.ErrorTelemetry || failedBody.Contains(DatabaseTimeout.Code, StringComparison.Ordinal);
        if ((int)failed.StatusCode != expectedStatus || !isProblem || !hasCode)
        {
            throw new InvalidOperationException(
                $"{kind}: GET {FailurePath} answered {(int)failed.StatusCode} {failed.Content.Headers.ContentType}: {failedBody}");
        }
    }

    private sealed record Order(int Id, string Status, decimal Total, string Country);
}
