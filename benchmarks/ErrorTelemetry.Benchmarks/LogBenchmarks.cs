using BenchmarkDotNet.Attributes;
using ErrorTelemetry.Benchmarks.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ErrorTelemetry.Benchmarks;

/// <summary>An ordinary log record with 3 attributes: bare SDK vs. with ErrorTelemetry.</summary>
[MemoryDiagnoser]
public class LogRecordBenchmarks
{
    private static readonly Action<ILogger, int, string, double, Exception?> Shipped =
        LoggerMessage.Define<int, string, double>(LogLevel.Information, new EventId(1, "Shipped"), "Order {OrderId} shipped to {Country} for {Amount}");

    private ServiceProvider _services = null!;
    private ILogger _logger = null!;

    [GlobalSetup(Target = nameof(BareSdk))]
    public void SetupBare() => Setup(withErrorTelemetry: false);

    [GlobalSetup(Target = nameof(WithErrorTelemetry))]
    public void SetupOurs() => Setup(withErrorTelemetry: true);

    [Benchmark(Baseline = true)]
    public void BareSdk() => Shipped(_logger, 42, "NL", 99.5, null);

    [Benchmark]
    public void WithErrorTelemetry() => Shipped(_logger, 42, "NL", 99.5, null);

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    private void Setup(bool withErrorTelemetry)
    {
        _services = Pipelines.Logging(withErrorTelemetry);
        _logger = _services.GetRequiredService<ILoggerFactory>().CreateLogger("Bench");
    }
}

/// <summary>
/// An error log record with an exception: bare SDK vs. with ErrorTelemetry. Both export synchronously to a
/// <see cref="RenderingLogExporter"/>, which reads the record as the OTLP exporter does, so the bare side renders its
/// exception as it would in production (a no-op exporter never would, and would flatter the bare SDK).
/// </summary>
[MemoryDiagnoser]
public class ErrorLogBenchmarks
{
    private static readonly Action<ILogger, int, Exception?> Failed =
        LoggerMessage.Define<int>(LogLevel.Error, new EventId(2, "Failed"), "Order {OrderId} failed");

    private ServiceProvider _services = null!;
    private ILogger _logger = null!;

    [GlobalSetup(Target = nameof(BareSdk))]
    public void SetupBare() => Setup(withErrorTelemetry: false);

    [GlobalSetup(Target = nameof(WithErrorTelemetry))]
    public void SetupOurs() => Setup(withErrorTelemetry: true);

    [Benchmark(Baseline = true)]
    public void BareSdk() => Failed(_logger, 42, new TimeoutException("The database did not answer within 30 seconds."));

    [Benchmark]
    public void WithErrorTelemetry() => Failed(_logger, 42, new TimeoutException("The database did not answer within 30 seconds."));

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    private void Setup(bool withErrorTelemetry)
    {
        _services = Pipelines.Logging(withErrorTelemetry, rendering: true);
        _logger = _services.GetRequiredService<ILoggerFactory>().CreateLogger("Bench");
    }
}
