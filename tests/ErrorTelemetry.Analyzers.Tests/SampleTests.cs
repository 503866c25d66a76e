using ErrorTelemetry.Analyzers.Tests.TestSupport;

namespace ErrorTelemetry.Analyzers.Tests;

/// <summary>
/// Every analyzer at once over a sample with one of each violation (marked where each is expected) and over its clean
/// twin, which must produce no diagnostic at all.
/// </summary>
public sealed class SampleTests
{
    [Fact]
    public Task AllAnalyzers_SampleWithEachViolation_ReportEachOne() =>
        Verify.AllAnalyzersAsync(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", "Violations.cs.txt")));

    [Fact]
    public Task AllAnalyzers_CleanTwin_StaySilent() =>
        Verify.AllAnalyzersAsync(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", "Clean.cs.txt")));
}
