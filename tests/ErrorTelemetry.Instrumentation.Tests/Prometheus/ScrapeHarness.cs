using System.Diagnostics.Metrics;
using System.Text;
using ErrorTelemetry.Prometheus.Internal;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ErrorTelemetry.Tests.Prometheus;

/// <summary>
/// A real MeterProvider with the scrape reader attached through <see cref="PrometheusScrape.AddReader"/>, listening to
/// a meter whose name is unique to the test (so parallel tests never see each other's instruments).
/// </summary>
internal sealed class ScrapeHarness : IDisposable
{
    public ScrapeHarness(string? meterVersion = null, Action<MeterProviderBuilder>? configure = null, TimeProvider? timeProvider = null, TimeSpan responseCacheDuration = default)
    {
        MeterName = "ErrorTelemetry.Tests." + Guid.NewGuid().ToString("N")[..8];
        Meter = new Meter(MeterName, meterVersion);
        Services = new ServiceCollection();
        var builder = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("checkout", serviceInstanceId: "i-1", autoGenerateServiceInstanceId: false))
            .AddMeter(MeterName);
        configure?.Invoke(builder);
        Reader = PrometheusScrape.AddReader(builder, Services, responseCacheDuration, timeProvider);
        Provider = builder.Build();
    }

    public string MeterName { get; }

    public Meter Meter { get; }

    public ServiceCollection Services { get; }

    public PrometheusScrapeReader Reader { get; }

    public MeterProvider Provider { get; }

    /// <summary>The target_info block every scrape of this harness starts with.</summary>
    public static string TargetInfo =>
        "# HELP target_info Target metadata\n" +
        "# TYPE target_info gauge\n" +
        "target_info{service_instance_id=\"i-1\",service_name=\"checkout\"} 1\n";

    /// <summary>The target_info block every OpenMetrics scrape of this harness starts with.</summary>
    public static string OpenMetricsTargetInfo =>
        "# TYPE target info\n" +
        "# HELP target Target metadata\n" +
        "target_info{service_instance_id=\"i-1\",service_name=\"checkout\"} 1\n";

    public async Task<string> ScrapeAsync(PrometheusFormat format = PrometheusFormat.Text)
    {
        var payload = await Reader.ScrapeAsync(format, CancellationToken.None);
        Assert.NotNull(payload);
        return Encoding.UTF8.GetString(payload);
    }

    public void Dispose()
    {
        Provider.Dispose();
        Meter.Dispose();
    }
}
