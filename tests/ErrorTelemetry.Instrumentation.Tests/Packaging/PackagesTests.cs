using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Reflection.Metadata;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ErrorTelemetry.Tests.TestSupport;

namespace ErrorTelemetry.Tests.Packaging;

/// <summary>Runs alone: packing and building an app takes both cores for a while, which would slow timed tests.</summary>
[CollectionDefinition(Collection, DisableParallelization = true)]
public sealed class PackagesGroup
{
    public const string Collection = "Packages";
}

/// <summary>
/// What a user installs: packs the library as CI would (Release, ContinuousIntegrationBuild), checks the packages'
/// metadata and symbols, then installs the package from a local feed into a fresh <c>dotnet new web</c> app whose
/// <c>Program.cs</c> is the README's first sample, runs it, and asks it for a failing request.
/// </summary>
[Collection(PackagesGroup.Collection)]
public sealed partial class PackagesTests : IDisposable
{
    // A guard against a hung step, not a speed check: packing in Release while every test assembly runs on two loaded
    // cores took over 4 minutes here (load 22-31).
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(10);

    private static readonly string[] PackageIds = ["ErrorTelemetry.Processors", "ErrorTelemetry.Instrumentation"];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "errortelemetry-packages-" + Guid.NewGuid().ToString("N")[..8]);

    public PackagesTests()
    {
        Directory.CreateDirectory(_directory);
    }

    [PackageFact]
    public async Task Pack_FreshWebAppWithTheReadmeSample_AnswersTheCataloguedProblem()
    {
        var feed = Path.Combine(_directory, "feed");
        var version = "0.1.0-local." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        await PackAsync(feed, version);

        foreach (var id in PackageIds)
        {
            AssertPackage(Path.Combine(feed, $"{id}.{version}.nupkg"), id);
            AssertSymbols(Path.Combine(feed, $"{id}.{version}.snupkg"), id);
        }

        var app = await CreateAppAsync(feed, version);
        using var running = ExternalTool.Start("dotnet", [Path.Combine(app, "bin", "Release", "net10.0", "ShopApp.dll"), "--urls", "http://127.0.0.1:0"], app, AppEnvironment());
        using var client = new HttpClient { BaseAddress = await ListeningAddressAsync(running) };

        using var found = await client.GetAsync("/orders/42");
        using var failing = await client.GetAsync("/orders/7");
        var body = await failing.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, failing.StatusCode);
        Assert.Equal("application/problem+json", failing.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal("ORDER_NOT_FOUND", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal("The order does not exist.", problem.RootElement.GetProperty("title").GetString());
        Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Matches("^[0-9a-f]{32}$", problem.RootElement.GetProperty("traceId").GetString());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by an exiting process; the temp directory is cleaned by the system.
        }
    }

    /// <summary>The README's first C# sample, with the <c>WithTracing</c> sample's lines added before <c>Build()</c>, so both compile.</summary>
    internal static string ReadmeProgram()
    {
        var readme = File.ReadAllText(RepositoryPaths.Get("README.md"));
        var samples = CSharpBlock().Matches(readme).Select(m => m.Groups["code"].Value.Replace("\r\n", "\n", StringComparison.Ordinal)).ToList();
        var first = samples[0];
        var tracing = samples.First(s => s.Contains(".WithTracing(", StringComparison.Ordinal));
        const string build = "var app = builder.Build();";
        Assert.Contains(build, first, StringComparison.Ordinal);

        var tracingLines = tracing.Split('\n');
        var usings = string.Join('\n', tracingLines.Where(l => l.StartsWith("using ", StringComparison.Ordinal)));
        var statements = string.Join('\n', tracingLines.Where(l => !l.StartsWith("using ", StringComparison.Ordinal)));
        var index = first.IndexOf(build, StringComparison.Ordinal);
        return usings + "\n" + first[..index] + statements.Trim() + "\n" + first[index..];
    }

    private static IReadOnlyDictionary<string, string?> DotnetEnvironment(string? packagesFolder = null)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            ["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false",
        };

        // The test host runs under `dotnet test`, whose MSBuild variables would steer the child builds.
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                environment[name] = null;
            }
        }

        if (packagesFolder is not null)
        {
            environment["NUGET_PACKAGES"] = packagesFolder;
        }

        return environment;
    }

    private static IReadOnlyDictionary<string, string?> AppEnvironment()
    {
        var environment = new Dictionary<string, string?>(DotnetEnvironment(), StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = null,
            ["ASPNETCORE_URLS"] = null,
        };
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (name.StartsWith("OTEL_", StringComparison.Ordinal))
            {
                environment[name] = null;
            }
        }

        return environment;
    }

    private static string GlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static async Task RunDotnetAsync(string what, IEnumerable<string> arguments, string workingDirectory, string? packagesFolder = null)
    {
        var list = arguments.ToList();
        var result = await ExternalTool.RunAsync("dotnet", list, StepTimeout, workingDirectory: workingDirectory, environment: DotnetEnvironment(packagesFolder));
        Assert.True(result.ExitCode == 0, what + " failed: " + result.Describe("dotnet " + string.Join(' ', list)));
    }

    private static async Task<Uri> ListeningAddressAsync(ExternalTool app)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline && !app.HasExited)
        {
            if (ListeningOn().Match(app.Output) is { Success: true } match)
            {
                return new Uri(match.Groups["url"].Value);
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException("The app did not report its address: " + app.Describe());
    }

    private static void AssertPackage(string path, string id)
    {
        Assert.True(File.Exists(path), path + " was not packed");
        using var package = ZipFile.OpenRead(path);
        var entries = package.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("README.md", entries);
        Assert.Contains("icon.png", entries);
        Assert.Contains($"lib/net10.0/{id}.dll", entries);
        Assert.Contains($"lib/net10.0/{id}.xml", entries);

        using var nuspecStream = package.GetEntry(id + ".nuspec")!.Open();
        var metadata = XDocument.Load(nuspecStream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Field(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
        Assert.Equal(id, Field("id"));
        Assert.Equal("Apache-2.0", Field("license"));
        Assert.Equal("README.md", Field("readme"));
        Assert.Equal("icon.png", Field("icon"));
        Assert.StartsWith("https://", Field("projectUrl"), StringComparison.Ordinal);
        Assert.Contains("opentelemetry", Field("tags"), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(Field("description")));
        var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.StartsWith("https://", repository.Attribute("url")?.Value, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{40}$", repository.Attribute("commit")?.Value);
    }

    private static void AssertSymbols(string path, string id)
    {
        Assert.True(File.Exists(path), path + " was not packed");
        using var symbols = ZipFile.OpenRead(path);
        using var pdb = new MemoryStream();
        using (var entry = symbols.GetEntry($"lib/net10.0/{id}.pdb")!.Open())
        {
            entry.CopyTo(pdb);
        }

        pdb.Position = 0;
        using var provider = MetadataReaderProvider.FromPortablePdbStream(pdb);
        var reader = provider.GetMetadataReader();
        var documents = reader.Documents.Select(h => reader.GetString(reader.GetDocument(h).Name)).ToList();
        Assert.NotEmpty(documents);

        // ContinuousIntegrationBuild maps the checkout to /_/: the build machine's paths are not in the package.
        Assert.All(documents, d => Assert.StartsWith("/_/", d, StringComparison.Ordinal));
        var sourceLinkKind = new Guid("CC110556-A091-4D38-9FEC-25AB9A351A6A");
        var sourceLink = reader.CustomDebugInformation
            .Select(reader.GetCustomDebugInformation)
            .Where(c => reader.GetGuid(c.Kind) == sourceLinkKind)
            .Select(c => Encoding.UTF8.GetString(reader.GetBlobBytes(c.Value)))
            .SingleOrDefault();
        Assert.NotNull(sourceLink);
        Assert.Matches("\"/_/\\*\":\"https://[^\"]+/[0-9a-f]{40}/\\*\"", sourceLink);
    }

    [GeneratedRegex("```csharp\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex("Now listening on: (?<url>http://127\\.0\\.0\\.1:[0-9]+)")]
    private static partial Regex ListeningOn();

    private async Task PackAsync(string feed, string version)
    {
        // Only the packable projects, as CI publishes them: a solution filter over Telemetry.sln.
        var filter = Path.Combine(_directory, "packages.slnf");
        await File.WriteAllTextAsync(filter, JsonSerializer.Serialize(new
        {
            solution = new
            {
                path = RepositoryPaths.Get("Telemetry.sln"),
                projects = new[] { "src\\Processors\\ErrorTelemetry.Processors.csproj", "src\\Instrumentation\\ErrorTelemetry.Instrumentation.csproj" },
            },
        }));
        await RunDotnetAsync(
            "dotnet pack",
            ["pack", filter, "-c", "Release", "-o", feed, "-nodeReuse:false", "-p:ContinuousIntegrationBuild=true", "-p:Version=" + version],
            RepositoryPaths.Root);
    }

    private async Task<string> CreateAppAsync(string feed, string version)
    {
        // Shields the app from any Directory.Build.* or NuGet.config above the temp directory; dependencies come from
        // the machine's package cache when it has them (offline), else from nuget.org; ours only from the local feed.
        await File.WriteAllTextAsync(Path.Combine(_directory, "Directory.Build.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(_directory, "Directory.Build.targets"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(_directory, "Directory.Packages.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(_directory, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local"><package pattern="ErrorTelemetry.*" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
              <fallbackPackageFolders>
                <add key="machine" value="{GlobalPackagesFolder()}" />
              </fallbackPackageFolders>
            </configuration>
            """);

        // A packages folder of its own, so the package under test is extracted fresh and never left in the user's cache.
        var packages = Path.Combine(_directory, "packages");
        var app = Path.Combine(_directory, "ShopApp");
        await RunDotnetAsync("dotnet new web", ["new", "web", "-o", app, "-n", "ShopApp", "--no-update-check"], _directory, packages);
        await RunDotnetAsync("dotnet add package", ["add", app, "package", "ErrorTelemetry.Instrumentation", "--version", version, "--no-restore"], _directory, packages);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), ReadmeProgram());
        await RunDotnetAsync("dotnet build", ["build", app, "-c", "Release", "-nodeReuse:false"], _directory, packages);
        return app;
    }
}

/// <summary>
/// A fact that packs and builds an app (about a minute): it runs everywhere, CI included; a developer can leave it out
/// of a local run with <c>ERRORTELEMETRY_SKIP_PACKAGE_TEST=1</c>, a variable CI never sets.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PackageFactAttribute : FactAttribute
{
    public const string OptOutVariable = "ERRORTELEMETRY_SKIP_PACKAGE_TEST";

    public PackageFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(OptOutVariable) == "1")
        {
            Skip = $"{OptOutVariable}=1 leaves the package test out of this run";
        }
    }
}
