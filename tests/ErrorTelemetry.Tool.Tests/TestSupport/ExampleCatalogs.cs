using ErrorTelemetry.Tool.Catalog;
using Inventory;
using Storefront;

namespace ErrorTelemetry.Tool.Tests.TestSupport;

/// <summary>The example services' catalogs, read as the tool reads them: from their built assemblies.</summary>
internal static class ExampleCatalogs
{
    public static string StorefrontAssembly => typeof(StorefrontErrors).Assembly.Location;

    public static string InventoryAssembly => typeof(InventoryErrors).Assembly.Location;

    public static IReadOnlyList<ErrorDefinition> Storefront() => CatalogSources.Build([StorefrontAssembly], null, []);

    public static IReadOnlyList<ErrorDefinition> Inventory() => CatalogSources.Build([InventoryAssembly], null, []);

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await Cli.RunAsync(args, output, error, CancellationToken.None);
        return (exitCode, output.ToString(), error.ToString());
    }
}

/// <summary>A fresh directory under the system temp folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("errortelemetry-tool-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, string text)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
