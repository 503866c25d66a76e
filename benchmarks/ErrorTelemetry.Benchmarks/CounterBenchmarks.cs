using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using ErrorTelemetry.Failures.Internal;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace ErrorTelemetry.Benchmarks;

/// <summary>The failure counter increment vs. a bare <see cref="Counter{T}.Add(T, in TagList)"/> with the same four tags.</summary>
[MemoryDiagnoser]
public class FailureCounterBenchmarks
{
    private static readonly ErrorDefinition Definition = BuiltInErrors.OperationTimeout;
    private Meter _meter = null!;
    private Counter<long> _bare = null!;
    private FailureCounter _ours = null!;
    private MeterProvider _provider = null!;

    [GlobalSetup]
    public void Setup()
    {
        _meter = new Meter("Bench.Bare");
        _bare = _meter.CreateCounter<long>("bare.failures", "{error}");
        _ours = new FailureCounter(2000, meterName: "Bench.Ours");
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter("Bench.Bare", "Bench.Ours")
            .AddReader(new BaseExportingMetricReader(new Support.NoopExporter<Metric>()))
            .Build();
    }

    [Benchmark(Baseline = true)]
    public void BareCounterAdd()
    {
        var tags = new TagList
        {
            { "error.code", Definition.Code },
            { "error.category", Definition.CategoryName },
            { "error.severity", Definition.SeverityName },
            { "operation", "GET /orders/{id}" },
        };
        _bare.Add(1, tags);
    }

    [Benchmark]
    public void FailureCounterAdd() => _ours.Add(Definition, "GET /orders/{id}");

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider.Dispose();
        _ours.Dispose();
        _meter.Dispose();
    }
}
