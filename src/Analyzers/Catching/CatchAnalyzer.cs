using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ErrorTelemetry.Analyzers.Catching;

/// <summary>
/// ET0002: a catch of every exception that erases the failure; ET0003: a catch of cancellation that carries on.
/// A catch with a <c>when</c> filter is deliberate and left alone.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CatchAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Rules.SwallowedFailure, Rules.SwallowedCancellation];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = new KnownTypes(start.Compilation);
            start.RegisterSyntaxNodeAction(c => Analyze(c, types), SyntaxKind.CatchClause);
        });
    }

    private static void Analyze(SyntaxNodeAnalysisContext context, KnownTypes types)
    {
        var clause = (CatchClauseSyntax)context.Node;
        if (clause.Filter is not null)
        {
            return;
        }

        var caught = clause.Declaration is { } declaration
            ? context.SemanticModel.GetTypeInfo(declaration.Type, context.CancellationToken).Type
            : types.Exception;
        if (caught is null)
        {
            return;
        }

        var location = clause.CatchKeyword.GetLocation();
        if (SymbolEqualityComparer.Default.Equals(caught, types.Exception))
        {
            if (!HandsOn(clause, context.SemanticModel, types, context.CancellationToken))
            {
                context.ReportDiagnostic(Diagnostic.Create(Rules.SwallowedFailure, location));
            }
        }
        else if (KnownTypes.DerivesFrom(caught, types.OperationCanceledException) && !LeavesOrRethrows(clause.Block))
        {
            context.ReportDiagnostic(Diagnostic.Create(Rules.SwallowedCancellation, location, caught.Name));
        }
    }

    /// <summary>Whether the catch rethrows, passes the exception on whole, or produces a coded result.</summary>
    private static bool HandsOn(CatchClauseSyntax clause, SemanticModel model, KnownTypes types, CancellationToken cancellationToken)
    {
        var variable = clause.Declaration is { } declaration && declaration.Identifier.ValueText.Length > 0
            ? model.GetDeclaredSymbol(declaration, cancellationToken)
            : null;
        foreach (var node in OwnNodes(clause.Block))
        {
            switch (node)
            {
                case ThrowStatementSyntax or ThrowExpressionSyntax:
                    return true;
                case IdentifierNameSyntax identifier when variable is not null && identifier.Identifier.ValueText == variable.Name:
                    // ex.Message alone keeps the text and drops the failure; ex as a whole value records it.
                    if (identifier.Parent is not MemberAccessExpressionSyntax access || access.Name == identifier)
                    {
                        return true;
                    }

                    break;
                case ExpressionSyntax expression when IsCoded(model.GetTypeInfo(expression, cancellationToken).Type, types):
                    return true;
            }
        }

        return false;
    }

    private static bool IsCoded(ITypeSymbol? type, KnownTypes types) =>
        (types.ErrorDefinition is not null && SymbolEqualityComparer.Default.Equals(type, types.ErrorDefinition))
        || KnownTypes.DerivesFrom(type, types.CodedException);

    /// <summary>Whether the block ends the cancelled work: throw, return, break or yield break.</summary>
    private static bool LeavesOrRethrows(BlockSyntax block)
    {
        foreach (var node in OwnNodes(block))
        {
            if (node is ThrowStatementSyntax or ThrowExpressionSyntax or ReturnStatementSyntax or BreakStatementSyntax or YieldStatementSyntax { RawKind: (int)SyntaxKind.YieldBreakStatement })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The block's nodes, not descending into lambdas and local functions, whose statements run elsewhere.</summary>
    private static IEnumerable<SyntaxNode> OwnNodes(BlockSyntax block) =>
        block.DescendantNodes(static n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax));
}
