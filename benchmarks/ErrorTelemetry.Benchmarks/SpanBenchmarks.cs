using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using ErrorTelemetry.Benchmarks.Support;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Benchmarks;

/// <summary>A successful span with 5 string tags: bare SDK vs. with ErrorTelemetry (enrichment and redaction, as in the host).</summary>
[MemoryDiagnoser]
public class SuccessfulSpanBenchmarks
{
    private ActivitySource _source = null!;
    private TracerProvider _provider = null!;

    [GlobalSetup(Target = nameof(BareSdk))]
    public void SetupBare() => Setup(withErrorTelemetry: false);

    [GlobalSetup(Target = nameof(WithErrorTelemetry))]
    public void SetupOurs() => Setup(withErrorTelemetry: true);

    [Benchmark(Baseline = true)]
    public void BareSdk() => Run();

    [Benchmark]
    public void WithErrorTelemetry() => Run();

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider.Dispose();
        _source.Dispose();
    }

    private void Setup(bool withErrorTelemetry)
    {
        _source = new ActivitySource("Bench.Span");
        _provider = Pipelines.Tracing(_source.Name, withErrorTelemetry ? Pipelines.CreateRecorder("Bench.Meter") : null, withErrorTelemetry ? BenchmarkHooks.CreateRedactor() : null);
    }

    private void Run()
    {
        using var activity = _source.StartActivity("GET /orders/{id}", ActivityKind.Server);
        activity?.SetTag("http.request.method", "GET");
        activity?.SetTag("http.route", "/orders/{id}");
        activity?.SetTag("url.scheme", "https");
        activity?.SetTag("server.address", "shop.example.com");
        activity?.SetTag("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64)");
    }
}

/// <summary>A failed span with an exception: bare SDK (AddException + status) vs. with ErrorTelemetry (classification, failure counter, redaction).</summary>
[MemoryDiagnoser]
public class FailedSpanBenchmarks
{
    private ActivitySource _source = null!;
    private TracerProvider _provider = null!;

    [GlobalSetup(Target = nameof(BareSdk))]
    public void SetupBare() => Setup(withErrorTelemetry: false);

    [GlobalSetup(Target = nameof(WithErrorTelemetry))]
    public void SetupOurs() => Setup(withErrorTelemetry: true);

    [Benchmark(Baseline = true)]
    public void BareSdk() => Run();

    [Benchmark]
    public void WithErrorTelemetry() => Run();

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider.Dispose();
        _source.Dispose();
    }

    private void Setup(bool withErrorTelemetry)
    {
        _source = new ActivitySource("Bench.FailedSpan");
        _provider = Pipelines.Tracing(_source.Name, withErrorTelemetry ? Pipelines.CreateRecorder("Bench.Meter") : null, withErrorTelemetry ? BenchmarkHooks.CreateRedactor() : null);
    }

    private void Run()
    {
        using var activity = _source.StartActivity("SELECT orders");
        // A new exception each time, as in production: a cached classification would flatter our side.
        var exception = new TimeoutException("The database did not answer within 30 seconds.");
        activity?.AddException(exception);
        activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
    }
}
