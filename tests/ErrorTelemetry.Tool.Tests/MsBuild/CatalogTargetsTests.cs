using ErrorTelemetry.Tests.TestSupport;
using ErrorTelemetry.Tool.Tests.TestSupport;

namespace ErrorTelemetry.Tool.Tests.MsBuild;

/// <summary>
/// The opt-in targets the Processors package carries (buildTransitive/ErrorTelemetry.Processors.targets), run by
/// MSBuild on the Storefront example and the tool, both built by this test project's references.
/// </summary>
public sealed class CatalogTargetsTests
{
    [ToolFact("promtool")]
    public async Task DocsAndRulesTargets_OnTheStorefront_WriteTheReferenceAndRulesPromtoolAccepts()
    {
        using var temp = new TempDirectory();
        var docs = temp.File("errors.md");
        var rules = temp.File("errors.rules.yml");
        var tests = temp.File("errors.rules.test.yml");
        // The tool's own output folder: this test host runs on ASP.NET Core, so its folder lacks the tool's packages.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var tool = RepositoryPaths.Get("src", "Tool", "bin", configuration, "net10.0", "ErrorTelemetry.Tool.dll");

        var build = await ExternalTool.RunAsync(
            "dotnet",
            [
                "msbuild", RepositoryPaths.Get("examples", "Storefront", "Storefront.csproj"), "-nologo", "-nodeReuse:false",
                "-t:ErrorTelemetryDocs;ErrorTelemetryRules",
                "-p:Configuration=" + configuration,
                "-p:CustomAfterMicrosoftCommonTargets=" + RepositoryPaths.Get("src", "Processors", "buildTransitive", "ErrorTelemetry.Processors.targets"),
                $"-p:ErrorTelemetryToolCommand=dotnet \"{tool}\"",
                "-p:ErrorTelemetryDocsFile=" + docs,
                "-p:ErrorTelemetryRulesFile=" + rules,
                "-p:ErrorTelemetryRulesTestsFile=" + tests,
            ],
            TimeSpan.FromSeconds(120));

        Assert.True(build.ExitCode == 0, build.Describe("dotnet msbuild -t:ErrorTelemetryDocs;ErrorTelemetryRules"));
        Assert.Contains("<a id=\"DEPENDENCY_DB_TIMEOUT\"></a>", File.ReadAllText(docs), StringComparison.Ordinal);
        var test = await ExternalTool.RunAsync("promtool", ["test", "rules", tests], TimeSpan.FromSeconds(60));
        Assert.True(test.ExitCode == 0, test.Describe("promtool test rules"));
    }
}
