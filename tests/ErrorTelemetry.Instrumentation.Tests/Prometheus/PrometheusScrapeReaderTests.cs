using System.Text;
using ErrorTelemetry.Prometheus.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace ErrorTelemetry.Tests.Prometheus;

public sealed class PrometheusScrapeReaderTests
{
    [Fact]
    public async Task ScrapeAsync_NotAttachedToAMeterProvider_ReturnsNull()
    {
        using var reader = new PrometheusScrapeReader();

        Assert.Null(await reader.ScrapeAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ScrapeAsync_AfterMeterProviderDisposed_ReturnsNull()
    {
        var harness = new ScrapeHarness();
        harness.Meter.CreateCounter<long>("before.dispose").Add(1);
        Assert.NotNull(await harness.Reader.ScrapeAsync(CancellationToken.None));

        harness.Dispose();

        Assert.Null(await harness.Reader.ScrapeAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ScrapeAsync_SequentialScrapesWithoutCache_EachSeesNewMeasurements()
    {
        using var harness = new ScrapeHarness();
        var counter = harness.Meter.CreateCounter<long>("sequential");
        counter.Add(1);
        var first = await harness.ScrapeAsync();
        counter.Add(1);

        var second = await harness.ScrapeAsync();

        Assert.Contains("} 1\n", first, StringComparison.Ordinal);
        Assert.Contains("} 2\n", second, StringComparison.Ordinal);
        Assert.Equal(2, harness.Reader.CollectionCount);
    }

    [Fact]
    public async Task ScrapeAsync_WithinCacheDuration_ServesPreviousResultUntilItExpires()
    {
        var clock = new FakeTimeProvider();
        using var harness = new ScrapeHarness(timeProvider: clock, responseCacheDuration: TimeSpan.FromSeconds(1));
        var counter = harness.Meter.CreateCounter<long>("cached");
        counter.Add(1);
        await harness.ScrapeAsync();
        clock.Advance(TimeSpan.FromMilliseconds(500));
        counter.Add(1);

        var cached = await harness.ScrapeAsync();
        clock.Advance(TimeSpan.FromMilliseconds(600));
        var fresh = await harness.ScrapeAsync();

        Assert.Contains("} 1\n", cached, StringComparison.Ordinal);
        Assert.Contains("} 2\n", fresh, StringComparison.Ordinal);
        Assert.Equal(2, harness.Reader.CollectionCount);
    }

    [Fact]
    public async Task ScrapeAsync_ScrapesArrivingDuringACollection_ShareOneFollowUpCollection()
    {
        using var harness = new ScrapeHarness();
        using var insideCallback = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var callbacks = 0;
        harness.Meter.CreateObservableGauge("slow.gauge", () =>
        {
            if (Interlocked.Increment(ref callbacks) == 1)
            {
                insideCallback.Set();
                release.Wait(TimeSpan.FromSeconds(10));
            }

            return 1L;
        });

        var firstScrape = Task.Run(async () => await harness.Reader.ScrapeAsync(CancellationToken.None));
        Assert.True(insideCallback.Wait(TimeSpan.FromSeconds(10)), "the first collection never reached the gauge callback");
        var waiting = Enumerable.Range(0, 4).Select(_ => harness.Reader.ScrapeAsync(CancellationToken.None).AsTask()).ToArray();
        release.Set();
        var payloads = await Task.WhenAll([firstScrape, .. waiting]);

        Assert.All(payloads, p => Assert.Contains("slow_gauge{", Encoding.UTF8.GetString(p!), StringComparison.Ordinal));
        Assert.Equal(2, Volatile.Read(ref callbacks));
        Assert.Equal(2, harness.Reader.CollectionCount);
    }

    [Fact]
    public async Task ScrapeAsync_CanceledWhileWaiting_ThrowsOperationCanceled()
    {
        using var harness = new ScrapeHarness();
        using var insideCallback = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        harness.Meter.CreateObservableGauge("blocking.gauge", () =>
        {
            insideCallback.Set();
            release.Wait(TimeSpan.FromSeconds(10));
            return 1L;
        });
        var firstScrape = Task.Run(async () => await harness.Reader.ScrapeAsync(CancellationToken.None));
        Assert.True(insideCallback.Wait(TimeSpan.FromSeconds(10)));
        using var cts = new CancellationTokenSource();

        var waiting = harness.Reader.ScrapeAsync(cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        release.Set();
        Assert.NotNull(await firstScrape);
    }

    [Fact]
    public void AddReader_CalledTwiceWithSameServices_RegistersAndAttachesOneReader()
    {
        var services = new ServiceCollection();
        var first = PrometheusScrape.AddReader(Sdk.CreateMeterProviderBuilder(), services);

        var second = PrometheusScrape.AddReader(Sdk.CreateMeterProviderBuilder(), services);

        Assert.Same(first, second);
        Assert.Single(services, d => d.ServiceType == typeof(PrometheusScrapeReader));
        using var provider = services.BuildServiceProvider();
        Assert.Same(first, provider.GetRequiredService<PrometheusScrapeReader>());
    }

    [Fact]
    public void ForceFlush_WithScrapeReaderAttached_SucceedsAndExportsToPushReaders()
    {
        var pushed = new ErrorTelemetry.Tests.TestSupport.InMemoryExporter<Metric, string>(m => m.Name);
        using var push = new PeriodicExportingMetricReader(pushed, exportIntervalMilliseconds: 60_000);
        using var harness = new ScrapeHarness(configure: b => b.AddReader(push));
        harness.Meter.CreateCounter<long>("flushed").Add(1);

        var flushed = harness.Provider.ForceFlush(5_000);

        // A pull-only reader would refuse the collection and make the whole flush report failure.
        Assert.True(flushed);
        Assert.Contains("flushed", pushed.Items);
    }
}
