using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ErrorTelemetry.Analyzers.Catalog;

/// <summary>The catalog as far as one compilation can see it: code → its replacement (null when current).</summary>
internal sealed class SeenCatalog
{
    private SeenCatalog(Dictionary<string, string?> codes, bool isVisible)
    {
        Codes = codes;
        IsVisible = isVisible;
    }

    public Dictionary<string, string?> Codes { get; }

    /// <summary>Whether the compilation defines codes or has a catalog file, so that a missing code is a finding.</summary>
    public bool IsVisible { get; }

    public static SeenCatalog Read(Compilation compilation, AnalyzerOptions options)
    {
        var codes = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var code in BuiltInCodes.All)
        {
            codes[code] = null;
        }

        var sawFile = false;
        foreach (var file in options.AdditionalFiles)
        {
            if (CatalogFile.IsCatalog(file.Path) && file.GetText() is { } text)
            {
                sawFile = true;
                CatalogFile.Read(text.ToString(), codes);
            }
            else if (CatalogFile.IsConfiguration(file.Path) && file.GetText() is { } settings)
            {
                // Configuration only adds to the catalog; alone it shows too little of it to call a code unknown.
                CatalogFile.ReadConfiguration(settings.ToString(), codes);
            }
        }

        var definesCodes = false;
        foreach (var tree in compilation.SyntaxTrees)
        {
            definesCodes |= DefinitionSyntax.Collect(tree, codes, CancellationToken.None);
        }

        return new SeenCatalog(codes, sawFile || definesCodes);
    }
}
