using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Order;

namespace ErrorTelemetry.Benchmarks.Support;

/// <summary>
/// The suite's default configuration: one launch, 3 warm-up and 10 measured iterations per case, memory diagnoser,
/// ratio columns (added by BenchmarkDotNet wherever a class has a baseline), cases in declaration order. Sized so
/// the whole suite runs in about ten minutes on two cores. BenchmarkDotNet's own arguments (<c>--filter</c>,
/// <c>--iterationCount</c>, …) still apply on top of it; a <c>--job</c> argument replaces the suite's job.
/// </summary>
internal static class BenchmarkConfig
{
    public static IConfig Create(string[] args)
    {
        // Each run builds a generated project; on a shared machine under load that takes longer than the 2-minute default.
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .WithBuildTimeout(TimeSpan.FromMinutes(10))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithOrderer(new DefaultOrderer(SummaryOrderPolicy.Declared, MethodOrderPolicy.Declared));

        // BenchmarkDotNet adds a command-line job to the config's jobs; running the suite twice is never wanted.
        return Array.Exists(args, static a => a is "--job" or "-j" || a.StartsWith("--job=", StringComparison.Ordinal))
            ? config
            : config.AddJob(Job.Default.WithId("Suite").WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10));
    }
}
