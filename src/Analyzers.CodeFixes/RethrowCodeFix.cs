using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ErrorTelemetry.Analyzers;

/// <summary>ET0002 and ET0003: end the catch with <c>throw;</c>, so the failure or the cancellation goes on up.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RethrowCodeFix))]
[Shared]
public sealed class RethrowCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds => [Rules.SwallowedFailureId, Rules.SwallowedCancellationId];

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root?.FindToken(context.Span.Start).Parent?.FirstAncestorOrSelf<CatchClauseSyntax>() is not { } clause)
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create(
                "Rethrow the exception (throw;)",
                _ =>
                {
                    var block = clause.Block.AddStatements(SyntaxFactory.ThrowStatement());
                    return Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(clause.Block, block)));
                },
                nameof(RethrowCodeFix)),
            context.Diagnostics);
    }
}
