using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;

namespace ErrorTelemetry.Benchmarks.Support;

/// <summary>Runs every case of the class in this many processes (BenchmarkDotNet 0.14 has no such attribute).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Assembly)]
internal sealed class LaunchCountAttribute : JobMutatorConfigBaseAttribute
{
    public LaunchCountAttribute(int launchCount)
        : base(Job.Default.WithLaunchCount(launchCount))
    {
    }
}
