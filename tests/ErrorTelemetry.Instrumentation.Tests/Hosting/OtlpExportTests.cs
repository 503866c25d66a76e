using System.Diagnostics;
using ErrorTelemetry.Tests.TestSupport;
using ErrorTelemetry.Tests.TestSupport.Otlp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Tests.Hosting;

/// <summary>The OTLP export defaults: retry on and queues that absorb a retry window, without shadowing OTEL_* settings.</summary>
[Collection(TestWebHost.Collection)]
public class OtlpExportTests
{
    private const int Items = 600;

    [Fact]
    public async Task AddErrorTelemetry_BackendRefusingEveryOtherRequest_NoSpanOrLogLost()
    {
        await using var receiver = await OtlpTestReceiver.StartAsync();
        receiver.FailEveryOtherRequest = true;
        var source = new ActivitySource("Flapping." + Guid.NewGuid().ToString("N"));
        var builder = CreateBuilder(receiver);
        builder.AddErrorTelemetry().WithTracing(t => t.AddSource(source.Name));

        using (var host = builder.Build())
        {
            await host.StartAsync();
            var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Flapping");
            for (var i = 0; i < Items; i++)
            {
                using var span = source.StartActivity("item " + i);
                logger.LogInformation("Processed {Item}", i);
            }

            await host.StopAsync();
        }

        Assert.Contains(receiver.Requests, r => r.StatusCode == 503);
        Assert.Contains(receiver.Requests, r => r.StatusCode == 429);
        var spans = receiver.Spans.Where(s => s.Name.StartsWith("item ", StringComparison.Ordinal)).Select(s => s.Name).ToHashSet();
        Assert.Equal(Items, spans.Count);
        var logs = receiver.LogRecords.Where(l => l.Body == "Processed {Item}").Select(l => l.Attributes["Item"]).ToHashSet();
        Assert.Equal(Items, logs.Count);
    }

    [Fact]
    public void AddErrorTelemetry_OtlpExport_RetryAndLargerQueuesByDefault()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4318" });
        builder.AddErrorTelemetry();

        using var host = builder.Build();
        var configuration = host.Services.GetRequiredService<IConfiguration>();
        Assert.Equal("in_memory", configuration["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"]);
        Assert.Equal(16384, host.Services.GetRequiredService<IOptions<BatchExportActivityProcessorOptions>>().Value.MaxQueueSize);
    }

    [Fact]
    public void AddErrorTelemetry_OwnOtelSettingsOrDiskDirectory_Honoured()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4318",
            ["OTEL_BSP_MAX_QUEUE_SIZE"] = "100",
            ["ErrorTelemetry:OtlpDiskRetryDirectory"] = Path.Combine(Path.GetTempPath(), "otlp-retry"),
        });
        builder.AddErrorTelemetry();

        using var host = builder.Build();
        var configuration = host.Services.GetRequiredService<IConfiguration>();
        Assert.Equal("disk", configuration["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"]);
        Assert.Equal(Path.Combine(Path.GetTempPath(), "otlp-retry"), configuration["OTEL_DOTNET_EXPERIMENTAL_OTLP_DISK_RETRY_DIRECTORY_PATH"]);
        Assert.Equal(100, host.Services.GetRequiredService<IOptions<BatchExportActivityProcessorOptions>>().Value.MaxQueueSize);
    }

    private static HostApplicationBuilder CreateBuilder(OtlpTestReceiver receiver)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"] = "100",
            ["OTEL_BLRP_MAX_EXPORT_BATCH_SIZE"] = "100",
        });
        return builder;
    }
}
