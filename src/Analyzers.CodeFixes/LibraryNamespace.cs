using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace ErrorTelemetry.Analyzers;

/// <summary>The library's extension methods (<c>ToException</c>, <c>WithContext</c>) live in the <c>ErrorTelemetry</c> namespace.</summary>
internal static class LibraryNamespace
{
    private const string Name = "ErrorTelemetry";

    /// <summary>Adds <c>using ErrorTelemetry;</c> to a rewritten file that neither imports it nor is declared inside it.</summary>
    public static SyntaxNode EnsureImported(SyntaxNode root)
    {
        if (root is CompilationUnitSyntax unit
            && !unit.Usings.Any(u => u.Name?.ToString() == Name)
            && !unit.DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>().Any(n => n.Name.ToString() == Name || n.Name.ToString().StartsWith(Name + ".", StringComparison.Ordinal)))
        {
            return unit.AddUsings(SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(Name)).WithAdditionalAnnotations(Simplifier.Annotation));
        }

        return root;
    }
}
