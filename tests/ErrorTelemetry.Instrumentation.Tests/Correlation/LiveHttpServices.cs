namespace ErrorTelemetry.Tests.Correlation;

/// <summary>
/// Tests that run real HTTP services. Every host built by AddErrorTelemetry listens to the process-wide
/// "Microsoft.AspNetCore" and "System.Net.Http" sources, so these requests' spans would also reach the exporters of
/// tests running at the same time; they run on their own, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveHttpServices
{
    public const string Name = "Live HTTP services";
}
