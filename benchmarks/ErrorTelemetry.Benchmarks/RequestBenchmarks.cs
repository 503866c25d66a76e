using BenchmarkDotNet.Attributes;
using ErrorTelemetry.Benchmarks.Support;

namespace ErrorTelemetry.Benchmarks;

/// <summary>
/// A successful request (<c>GET /orders/1</c>, 200 JSON) through ASP.NET Core on the in-memory test server: the host
/// without telemetry, with the bare OpenTelemetry SDK and its official instrumentations (baseline), and with <c>AddErrorTelemetry()</c>.
/// </summary>
// A request runs through hundreds of methods that tiered compilation must settle: with three warm-up iterations
// these cases measured up to 2.5x what they measured with ten. On a shared two-core VM one process can also run
// 1.5x slower than the next, so each case is averaged over two processes (three kept the suite under ten minutes
// only on an idle machine).
[MemoryDiagnoser]
[WarmupCount(10)]
[IterationCount(12)]
[ProcessCount(2)]
public class SuccessfulRequestBenchmarks
{
    private BenchmarkWebApp _app = null!;

    [GlobalSetup(Target = nameof(NoTelemetry))]
    public async Task SetupNone() => _app = await BenchmarkWebApp.StartAsync(HostKind.NoTelemetry);

    [GlobalSetup(Target = nameof(BareOpenTelemetry))]
    public async Task SetupBare() => _app = await BenchmarkWebApp.StartAsync(HostKind.BareOpenTelemetry);

    [GlobalSetup(Target = nameof(WithErrorTelemetry))]
    public async Task SetupOurs() => _app = await BenchmarkWebApp.StartAsync(HostKind.ErrorTelemetry);

    // For reference only: the targets compare with the bare-SDK host, the telemetry a team already runs.
    [Benchmark]
    public Task<int> NoTelemetry() => _app.GetAsync(BenchmarkWebApp.SuccessPath);

    [Benchmark(Baseline = true)]
    public Task<int> BareOpenTelemetry() => _app.GetAsync(BenchmarkWebApp.SuccessPath);

    [Benchmark]
    public Task<int> WithErrorTelemetry() => _app.GetAsync(BenchmarkWebApp.SuccessPath);

    [GlobalCleanup]
    public async Task Cleanup() => await _app.DisposeAsync();
}

/// <summary>
/// A failing request (<c>GET /orders/2</c>: the endpoint throws a catalogued <see cref="CodedException"/>) answered
/// with problem details: by <c>UseExceptionHandler()</c> (without telemetry, and with the bare SDK: the baseline) or by ErrorTelemetry.
/// </summary>
// Warm-up, iterations and launches as in SuccessfulRequestBenchmarks, for the same reasons.
[MemoryDiagnoser]
[WarmupCount(10)]
[IterationCount(12)]
[ProcessCount(2)]
public class FailedRequestBenchmarks
{
    private BenchmarkWebApp _app = null!;

    [GlobalSetup(Target = nameof(NoTelemetry))]
    public async Task SetupNone() => _app = await BenchmarkWebApp.StartAsync(HostKind.NoTelemetry);

    [GlobalSetup(Target = nameof(BareOpenTelemetry))]
    public async Task SetupBare() => _app = await BenchmarkWebApp.StartAsync(HostKind.BareOpenTelemetry);

    [GlobalSetup(Target = nameof(WithErrorTelemetry))]
    public async Task SetupOurs() => _app = await BenchmarkWebApp.StartAsync(HostKind.ErrorTelemetry);

    // For reference only: the targets compare with the bare-SDK host, the telemetry a team already runs.
    [Benchmark]
    public Task<int> NoTelemetry() => _app.GetAsync(BenchmarkWebApp.FailurePath);

    [Benchmark(Baseline = true)]
    public Task<int> BareOpenTelemetry() => _app.GetAsync(BenchmarkWebApp.FailurePath);

    [Benchmark]
    public Task<int> WithErrorTelemetry() => _app.GetAsync(BenchmarkWebApp.FailurePath);

    [GlobalCleanup]
    public async Task Cleanup() => await _app.DisposeAsync();
}
