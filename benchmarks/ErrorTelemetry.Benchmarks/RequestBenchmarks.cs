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
// Each invocation awaits RequestsInTurn requests one after another, as a client on a kept-alive connection does, the
// same for every case. BenchmarkDotNet blocks its thread on the task a benchmark returns, and the test server answers
// on the thread pool, so with one request per invocation every request also paid for putting that thread to sleep and
// waking it (the cpu mode's "block" option: several times the CPU and wall time per request of awaiting, in both hosts).
[MemoryDiagnoser]
[WarmupCount(10)]
[IterationCount(12)]
[ProcessCount(2)]
public class SuccessfulRequestBenchmarks
{
    private const int RequestsInTurn = 16;

    private BenchmarkWebApp _app = null!;

    [GlobalSetup(Target = nameof(NoTelemetry))]
    public async Task SetupNone() => _app = await RequestWarmUp.StartAsync(HostKind.NoTelemetry, BenchmarkWebApp.SuccessPath);

    [GlobalSetup(Target = nameof(BareOpenTelemetry))]
    public async Task SetupBare() => _app = await RequestWarmUp.StartAsync(HostKind.BareOpenTelemetry, BenchmarkWebApp.SuccessPath);

    [GlobalSetup(Target = nameof(WithErrorTelemetry))]
    public async Task SetupOurs() => _app = await RequestWarmUp.StartAsync(HostKind.ErrorTelemetry, BenchmarkWebApp.SuccessPath);

    // For reference only: the targets compare with the bare-SDK host, the telemetry a team already runs.
    [Benchmark(OperationsPerInvoke = RequestsInTurn)]
    public Task NoTelemetry() => _app.SendInTurnAsync(BenchmarkWebApp.SuccessPath, RequestsInTurn);

    [Benchmark(Baseline = true, OperationsPerInvoke = RequestsInTurn)]
    public Task BareOpenTelemetry() => _app.SendInTurnAsync(BenchmarkWebApp.SuccessPath, RequestsInTurn);

    [Benchmark(OperationsPerInvoke = RequestsInTurn)]
    public Task WithErrorTelemetry() => _app.SendInTurnAsync(BenchmarkWebApp.SuccessPath, RequestsInTurn);

    [GlobalCleanup]
    public async Task Cleanup() => await _app.DisposeAsync();
}

/// <summary>
/// A failing request (<c>GET /orders/2</c>: the endpoint throws a catalogued <see cref="CodedException"/>) answered
/// with problem details: by <c>UseExceptionHandler()</c> (without telemetry, and with the bare SDK: the baseline) or by ErrorTelemetry.
/// </summary>
// Warm-up, iterations, launches and requests in turn per invocation as in SuccessfulRequestBenchmarks, for the same reasons.
[MemoryDiagnoser]
[WarmupCount(10)]
[IterationCount(12)]
[ProcessCount(2)]
public class FailedRequestBenchmarks
{
    private const int RequestsInTurn = 16;

    private BenchmarkWebApp _app = null!;

    [GlobalSetup(Target = nameof(NoTelemetry))]
    public async Task SetupNone() => _app = await RequestWarmUp.StartAsync(HostKind.NoTelemetry, BenchmarkWebApp.FailurePath);

    [GlobalSetup(Target = nameof(BareOpenTelemetry))]
    public async Task SetupBare() => _app = await RequestWarmUp.StartAsync(HostKind.BareOpenTelemetry, BenchmarkWebApp.FailurePath);

    [GlobalSetup(Target = nameof(WithErrorTelemetry))]
    public async Task SetupOurs() => _app = await RequestWarmUp.StartAsync(HostKind.ErrorTelemetry, BenchmarkWebApp.FailurePath);

    // For reference only: the targets compare with the bare-SDK host, the telemetry a team already runs.
    [Benchmark(OperationsPerInvoke = RequestsInTurn)]
    public Task NoTelemetry() => _app.SendInTurnAsync(BenchmarkWebApp.FailurePath, RequestsInTurn);

    [Benchmark(Baseline = true, OperationsPerInvoke = RequestsInTurn)]
    public Task BareOpenTelemetry() => _app.SendInTurnAsync(BenchmarkWebApp.FailurePath, RequestsInTurn);

    [Benchmark(OperationsPerInvoke = RequestsInTurn)]
    public Task WithErrorTelemetry() => _app.SendInTurnAsync(BenchmarkWebApp.FailurePath, RequestsInTurn);

    [GlobalCleanup]
    public async Task Cleanup() => await _app.DisposeAsync();
}

/// <summary>Starts a request host for a benchmark process and sends it the same requests the benchmark will, before BenchmarkDotNet's pilot and warm-up.</summary>
/// <remarks>
/// BenchmarkDotNet sizes its iterations from the pilot's first, slowest requests, so its ten warm-up iterations
/// covered as few as 10,000 requests in the host with the most code to compile (ours), and the measured iterations
/// still fell as tiered compilation went on: BenchmarkDotNet then measured start-up, which a long-running service
/// pays once, and which the whole-process CPU mode (300,000 requests of warm-up) does not see. Every host gets the
/// same warm-up.
/// </remarks>
internal static class RequestWarmUp
{
    /// <summary>Successful requests before measuring; the failing path settles after fewer (see <c>RequestCpu</c>).</summary>
    public const int SuccessRequests = 100_000;

    public const int FailureRequests = 30_000;

    public static async Task<BenchmarkWebApp> StartAsync(HostKind kind, string path)
    {
        var app = await BenchmarkWebApp.StartAsync(kind);
        await app.WarmUpAsync(path, path == BenchmarkWebApp.FailurePath ? FailureRequests : SuccessRequests);
        return app;
    }
}
