using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace ErrorTelemetry.Analyzers;

/// <summary>
/// ET0001: throw a catalogued definition's <c>ToException(message, innerException)</c> instead, keeping the message
/// and the cause. One fix per definition this project declares (<c>static readonly ErrorDefinition</c> fields).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnclassifiableThrowCodeFix))]
[Shared]
public sealed class UnclassifiableThrowCodeFix : CodeFixProvider
{
    private const int MaxSuggestions = 8;

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds => [Rules.UnclassifiableThrowId];

    /// <inheritdoc/>
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindNode(context.Span, getInnermostNodeForTie: true) is not ObjectCreationExpressionSyntax creation || model is null)
        {
            return;
        }

        var definitionType = model.Compilation.GetTypeByMetadataName("ErrorTelemetry.ErrorDefinition");
        if (definitionType is null)
        {
            return;
        }

        var definitions = model.Compilation.GetSymbolsWithName(static _ => true, SymbolFilter.Member, context.CancellationToken)
            .OfType<IFieldSymbol>()
            .Where(f => f.IsStatic && SymbolEqualityComparer.Default.Equals(f.Type, definitionType) && model.IsAccessible(creation.SpanStart, f))
            .OrderBy(f => f.ContainingType.Name, StringComparer.Ordinal)
            .ThenBy(f => f.Name, StringComparer.Ordinal)
            .Take(MaxSuggestions);
        foreach (var field in definitions)
        {
            var name = field.ContainingType.Name + "." + field.Name;
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Throw {name}.ToException()",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(Rewrite(root, creation, field))),
                    nameof(UnclassifiableThrowCodeFix) + "." + name),
                context.Diagnostics);
        }
    }

    private static SyntaxNode Rewrite(SyntaxNode root, ObjectCreationExpressionSyntax creation, IFieldSymbol field)
    {
        var definition = SyntaxFactory.ParseExpression(field.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + field.Name)
            .WithAdditionalAnnotations(Simplifier.Annotation);
        var raise = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, definition, SyntaxFactory.IdentifierName("ToException")),
                creation.ArgumentList ?? SyntaxFactory.ArgumentList())
            .WithTriviaFrom(creation);
        // ToException is an extension method in the ErrorTelemetry namespace, which the file may not import yet.
        return LibraryNamespace.EnsureImported(root.ReplaceNode(creation, raise));
    }
}
