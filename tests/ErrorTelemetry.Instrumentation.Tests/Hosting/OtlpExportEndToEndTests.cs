using System.Diagnostics;
using ErrorTelemetry.Tests.TestSupport;
using ErrorTelemetry.Tests.TestSupport.Otlp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Tests.Hosting;

/// <summary>
/// The real OTLP exporter (http/protobuf) configured only through the standard OTEL_* keys, sending to a receiver
/// that decodes the protobuf it really receives.
/// </summary>
// Hosts listen to process-wide sources (Microsoft.AspNetCore, System.Net.Http): never alongside other hosts.
[Collection(TestWebHost.Collection)]
public class OtlpExportEndToEndTests
{
    private static readonly ErrorDefinition OutOfStock = new("INVENTORY_OUT_OF_STOCK", ErrorCategory.BusinessRule, "The item is out of stock.")
    {
        Owner = "inventory-team",
    };

    [Fact]
    public async Task AddErrorTelemetry_OtlpEndpointConfigured_SpansLogsAndFailureCounterArriveWithOurAttributes()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        var source = new ActivitySource("Checkout." + Guid.NewGuid().ToString("N"));
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "x-tenant=shop",
            ["OTEL_EXPORTER_OTLP_COMPRESSION"] = "gzip",
            ["OTEL_SERVICE_NAME"] = "storefront",
        });
        builder.AddErrorTelemetry(o => o.AddDefinition(OutOfStock)).WithTracing(t => t.AddSource(source.Name));

        string traceId;
        using (var host = builder.Build())
        {
            await host.StartAsync();
            var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Checkout");
            using (var request = source.StartActivity("POST /checkout", ActivityKind.Server))
            {
                traceId = request!.TraceId.ToHexString();
                using (var reserve = source.StartActivity("reserve stock"))
                {
                    var failure = new CodedException(OutOfStock);
                    reserve!.AddException(failure);
                    logger.LogError(failure, "Reservation failed for {Sku}", "SKU-1");
                }

                request.SetTag("http.response.status_code", 422);
            }

            await host.StopAsync();
        }

        var spans = receiver.Spans.Where(s => s.TraceId == traceId).ToList();
        var reserveSpan = Assert.Single(spans, s => s.Name == "reserve stock");
        Assert.Equal("INVENTORY_OUT_OF_STOCK", reserveSpan.Attributes["error.code"]);
        Assert.Equal("INVENTORY_OUT_OF_STOCK", reserveSpan.Attributes["error.type"]);
        Assert.Equal("business_rule", reserveSpan.Attributes["error.category"]);
        Assert.Equal("warning", reserveSpan.Attributes["error.severity"]);
        Assert.Equal(false, reserveSpan.Attributes["error.retryable"]);
        Assert.Matches("^[0-9a-f]{16}$", (string)reserveSpan.Attributes["error.fingerprint"]!);
        Assert.Equal(ActivityStatusCode.Error, reserveSpan.StatusCode);
        Assert.Equal("The item is out of stock.", reserveSpan.StatusMessage);
        Assert.Single(reserveSpan.Events, e => e.Name == "exception");
        Assert.Equal("storefront", reserveSpan.ResourceAttributes["service.name"]);

        var serverSpan = Assert.Single(spans, s => s.Name == "POST /checkout");
        Assert.Equal("INVENTORY_OUT_OF_STOCK", serverSpan.Attributes["error.code"]);
        Assert.Equal(ActivityStatusCode.Unset, serverSpan.StatusCode);

        var log = Assert.Single(receiver.LogRecords, l => l.TraceId == traceId);
        Assert.Equal("INVENTORY_OUT_OF_STOCK", log.Attributes["error.code"]);
        Assert.Equal("business_rule", log.Attributes["error.category"]);
        Assert.Equal(reserveSpan.Attributes["error.fingerprint"], log.Attributes["error.fingerprint"]);
        Assert.Equal(LogLevel.Error, log.LogLevel);

        // Cumulative: each export (the stop-time flush, then the final one on dispose) repeats the running total.
        var point = receiver.MetricPoints.Last(p => p.MetricName == "errortelemetry.failures" && Equals(p.Attributes["operation"], "POST /checkout"));
        Assert.DoesNotContain(receiver.MetricPoints, p => p.MetricName.StartsWith("kestrel.", StringComparison.Ordinal));
        Assert.Equal("{error}", point.Unit);
        Assert.True(point.IsMonotonic);
        Assert.Equal(1, point.LongValue);
        Assert.Equal("INVENTORY_OUT_OF_STOCK", point.Attributes["error.code"]);
        Assert.Equal("business_rule", point.Attributes["error.category"]);
        Assert.Equal("warning", point.Attributes["error.severity"]);
        Assert.Equal("POST /checkout", point.Attributes["operation"]);
        Assert.Equal(ErrorTelemetryVersion.ScopeName, point.Scope.Name);
        Assert.Equal(ErrorTelemetryVersion.LibraryVersion, point.Scope.Version);

        Assert.All(receiver.Requests, r =>
        {
            Assert.Equal("shop", r.Header("x-tenant"));
            Assert.Equal("gzip", r.Header("Content-Encoding"));
        });
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AddErrorTelemetry_ApplicationCallsUseOtlpExporterToo_HostStartsAndEachSpanAndLogArrivesOnce(bool applicationFirst)
    {
        // What the .NET Aspire ServiceDefaults do whenever OTEL_EXPORTER_OTLP_ENDPOINT is set.
        await using var receiver = await OtlpTestReceiver.StartAsync();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "storefront",
        });
        void ApplicationOpenTelemetry() => builder.Services.AddOpenTelemetry()
            .WithTracing(t => t.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation())
            .UseOtlpExporter();
        if (applicationFirst)
        {
            ApplicationOpenTelemetry();
        }

        builder.AddErrorTelemetry(o => o.AddDefinition(OutOfStock));
        if (!applicationFirst)
        {
            ApplicationOpenTelemetry();
        }

        await using (var app = builder.Build())
        {
            app.UseErrorTelemetry();
            app.MapGet("/stock/{sku}", string (string sku) => throw OutOfStock.ToException());
            await app.StartAsync();
            using var response = await app.GetTestClient().GetAsync(new Uri("/stock/7", UriKind.Relative));
            Assert.Equal(422, (int)response.StatusCode);
            await app.StopAsync();
        }

        var span = Assert.Single(receiver.Spans, s => s.Name == "GET /stock/{sku}");
        Assert.Equal("INVENTORY_OUT_OF_STOCK", span.Attributes["error.code"]);
        Assert.Equal("/stock/{sku}", span.Attributes["http.route"]);
        Assert.Equal("storefront", span.ResourceAttributes["service.name"]);
        var log = Assert.Single(receiver.LogRecords, l => l.TraceId == span.TraceId && l.Attributes.ContainsKey("error.code"));
        Assert.Equal("INVENTORY_OUT_OF_STOCK", log.Attributes["error.code"]);
        Assert.Contains(receiver.MetricPoints, p => p.MetricName == "errortelemetry.failures" && Equals(p.Attributes["operation"], "GET /stock/{sku}"));
    }
}
