using System.Diagnostics;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Tests.Hosting;

// Hosts listen to process-wide sources (Microsoft.AspNetCore, System.Net.Http): never alongside other hosts.
[Collection(TestWebHost.Collection)]
public class AddErrorTelemetryTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AddErrorTelemetry_ExporterRegisteredInEitherOrder_ExporterSeesEnrichedSpanAndLog(bool exporterFirst)
    {
        var source = new ActivitySource("Order." + Guid.NewGuid().ToString("N"));
        var spans = new InMemoryExporter<Activity, SpanSnapshot>(SpanSnapshot.From);
        var logs = new InMemoryExporter<LogRecord, LogSnapshot>(LogSnapshot.From);
        var builder = Host.CreateApplicationBuilder();
        void AddExporters(IServiceCollection services)
        {
            // Simple (synchronous) export processors: an exporter ahead of our processor would export unenriched data.
            services.ConfigureOpenTelemetryTracerProvider(t => t.AddSource(source.Name).AddProcessor(new SimpleActivityExportProcessor(spans)));
            services.ConfigureOpenTelemetryLoggerProvider(l => l.AddProcessor(new SimpleLogRecordExportProcessor(logs)));
        }

        if (exporterFirst)
        {
            AddExporters(builder.Services);
            builder.AddErrorTelemetry();
        }
        else
        {
            builder.AddErrorTelemetry();
            AddExporters(builder.Services);
        }

        using var host = builder.Build();
        await host.StartAsync();
        using (var a = source.StartActivity("checkout"))
        {
            a!.AddException(new TimeoutException("late"));
            host.Services.GetRequiredService<ILogger<AddErrorTelemetryTests>>().LogError(new TimeoutException("late"), "Checkout failed");
        }

        await host.StopAsync();

        Assert.Equal("OPERATION_TIMEOUT", Assert.Single(spans.Items, s => s.Name == "checkout").Tag("error.code"));
        Assert.Equal("OPERATION_TIMEOUT", Assert.Single(logs.Items, l => l.Body == "Checkout failed").Attribute("error.code"));
    }

    [Fact]
    public async Task AddErrorTelemetry_UserProcessorsBeforeAndAfter_BothSeeCorrelatedEnrichedThenRedactedData()
    {
        var source = new ActivitySource("Head." + Guid.NewGuid().ToString("N"));
        var spansBefore = new InMemoryExporter<Activity, SpanSnapshot>(SpanSnapshot.From);
        var spansAfter = new InMemoryExporter<Activity, SpanSnapshot>(SpanSnapshot.From);
        var logsBefore = new InMemoryExporter<LogRecord, LogSnapshot>(LogSnapshot.From);
        var logsAfter = new InMemoryExporter<LogRecord, LogSnapshot>(LogSnapshot.From);
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddOpenTelemetry()
            .WithTracing(t => t.AddSource(source.Name).AddProcessor(new SimpleActivityExportProcessor(spansBefore)))
            .WithLogging(l => l.AddProcessor(new SimpleLogRecordExportProcessor(logsBefore)));
        builder.AddErrorTelemetry()
            .WithTracing(t => t.AddProcessor(new SimpleActivityExportProcessor(spansAfter)))
            .WithLogging(l => l.AddProcessor(new SimpleLogRecordExportProcessor(logsAfter)));

        using var host = builder.Build();
        await host.StartAsync();
        using (var a = source.StartActivity("checkout"))
        {
            a!.SetBaggage("correlation.id", "order-77");
            // Context added on the way up is written by enrichment: only redaction after enrichment removes the address.
            var failure = new TimeoutException("late").WithContext("customer", "jane.doe@example.com");
            a.AddException(failure);
            host.Services.GetRequiredService<ILogger<AddErrorTelemetryTests>>().LogError(failure, "Checkout failed");
        }

        await host.StopAsync();

        foreach (var spans in new[] { spansBefore, spansAfter })
        {
            var span = Assert.Single(spans.Items, s => s.Name == "checkout");
            Assert.Equal("order-77", span.Tag("correlation.id"));
            Assert.Equal("OPERATION_TIMEOUT", span.Tag("error.code"));
            Assert.Equal("[REDACTED:email]", span.Tag("error.context.customer"));
            Assert.DoesNotContain("jane.doe@example.com", span.Dump(), StringComparison.Ordinal);
        }

        foreach (var logs in new[] { logsBefore, logsAfter })
        {
            var record = Assert.Single(logs.Items, l => l.Body == "Checkout failed");
            Assert.Equal("order-77", record.Attribute("correlation.id"));
            Assert.Equal("OPERATION_TIMEOUT", record.Attribute("error.code"));
            Assert.Equal("[REDACTED:email]", record.Attribute("error.context.customer"));
        }
    }

    [Fact]
    public async Task AddErrorTelemetry_CalledTwice_OneProcessorAndOneCount()
    {
        var source = new ActivitySource("Twice." + Guid.NewGuid().ToString("N"));
        var spans = new InMemoryExporter<Activity, SpanSnapshot>(SpanSnapshot.From);
        var metrics = new InMemoryExporter<Metric, List<MetricPointSnapshot>>(MetricPointSnapshot.From);
        var builder = Host.CreateApplicationBuilder();
        builder.AddErrorTelemetry();
        builder.AddErrorTelemetry()
            .WithTracing(t => t.AddSource(source.Name).AddProcessor(new SimpleActivityExportProcessor(spans)))
            .WithMetrics(m => m.AddReader(new BaseExportingMetricReader(metrics)));

        using var host = builder.Build();
        await host.StartAsync();
        Assert.Single(host.Services.GetServices<IHostedService>(), s => s.GetType().Name == "StopTimeFlush");
        Assert.Single(host.Services.GetServices<IHostedService>(), s => s.GetType().Name == "TelemetryHostedService");
        using (var a = source.StartActivity("job"))
        {
            a!.AddException(new TimeoutException());
        }

        host.Services.GetRequiredService<MeterProvider>().ForceFlush();
        await host.StopAsync();

        Assert.Single(spans.Items);
        var failures = metrics.Items.SelectMany(b => b).Where(p => p.Metric == "errortelemetry.failures" && Equals(p.Tags["operation"], "job")).ToList();
        Assert.Equal(1, failures.Last().Value);
    }

    [Fact]
    public async Task StopAsync_FailureInTheLastMoment_StillExported()
    {
        var source = new ActivitySource("Late." + Guid.NewGuid().ToString("N"));
        var spans = new InMemoryExporter<Activity, SpanSnapshot>(SpanSnapshot.From);
        var builder = Host.CreateApplicationBuilder();
        builder.AddErrorTelemetry().WithTracing(t => t
            .AddSource(source.Name)
            .AddProcessor(new BatchActivityExportProcessor(spans, scheduledDelayMilliseconds: 600_000)));

        var host = builder.Build();
        await host.StartAsync();
        using (var a = source.StartActivity("shutdown-race"))
        {
            a!.AddException(new TimeoutException());
        }

        Assert.Empty(spans.Items);
        await host.StopAsync();

        // Before disposal: a process killed right after the host stopped has still sent it.
        Assert.Equal("OPERATION_TIMEOUT", Assert.Single(spans.Items).Tag("error.code"));
        host.Dispose();
    }

    [Fact]
    public async Task AddErrorTelemetry_ServiceFromConfiguration_OtelServiceNameWins()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ErrorTelemetry:ServiceName"] = "from-config",
            ["ErrorTelemetry:ServiceVersion"] = "2.3.4",
            ["ErrorTelemetry:DeploymentEnvironment"] = "staging",
        });
        builder.AddErrorTelemetry();
        using var host = builder.Build();
        await host.StartAsync();
        var resource = host.Services.GetRequiredService<TracerProvider>().GetResource().Attributes.ToDictionary(a => a.Key, a => a.Value);
        await host.StopAsync();

        Assert.Equal("from-config", resource["service.name"]);
        Assert.Equal("2.3.4", resource["service.version"]);
        Assert.Equal("staging", resource["deployment.environment.name"]);

        var standard = Host.CreateApplicationBuilder();
        standard.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ErrorTelemetry:ServiceName"] = "from-config",
            ["OTEL_SERVICE_NAME"] = "from-otel",
        });
        standard.AddErrorTelemetry();
        using var standardHost = standard.Build();
        var standardResource = standardHost.Services.GetRequiredService<TracerProvider>().GetResource().Attributes.ToDictionary(a => a.Key, a => a.Value);
        Assert.Equal("from-otel", standardResource["service.name"]);
    }

    [Fact]
    public void AddErrorTelemetry_ExportOtlpNotABoolean_ClearError()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ErrorTelemetry:ExportOtlp"] = "yes please" });

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddErrorTelemetry());
        Assert.Contains("ErrorTelemetry:ExportOtlp is 'yes please', which is not a boolean", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddErrorTelemetry_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => ((IHostApplicationBuilder)null!).AddErrorTelemetry());
        Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddErrorTelemetry());
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddErrorTelemetry((Action<ErrorTelemetryOptions>)null!));
    }
}
