using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ErrorTelemetry.Analyzers.Catalog;

/// <summary>
/// Reads <c>new ErrorDefinition("CODE", …) { ReplacedBy = "OTHER" }</c> from syntax alone, so the catalog of a whole
/// compilation is known before any one file is analysed, without asking for other files' semantic models. A
/// target-typed <c>new("CODE", …)</c> counts when its field or variable is declared as <c>ErrorDefinition</c>.
/// </summary>
internal static class DefinitionSyntax
{
    private const string TypeName = "ErrorDefinition";

    /// <summary>The code a definition expression declares, or null when it is not one.</summary>
    public static string? Code(ExpressionSyntax? expression) =>
        IsDefinition(expression) && ((BaseObjectCreationExpressionSyntax)expression!).ArgumentList is { Arguments.Count: > 0 } arguments
            && arguments.Arguments[0].Expression is LiteralExpressionSyntax literal && literal.IsKind(SyntaxKind.StringLiteralExpression)
            ? literal.Token.ValueText
            : null;

    /// <summary>The <c>ReplacedBy</c> a definition expression sets, or null.</summary>
    public static string? ReplacedBy(BaseObjectCreationExpressionSyntax creation)
    {
        foreach (var expression in creation.Initializer?.Expressions ?? default)
        {
            if (expression is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "ReplacedBy" }, Right: LiteralExpressionSyntax literal }
                && literal.IsKind(SyntaxKind.StringLiteralExpression))
            {
                return literal.Token.ValueText;
            }
        }

        return null;
    }

    /// <summary>Adds every definition found in the tree; returns whether there was one.</summary>
    public static bool Collect(SyntaxTree tree, Dictionary<string, string?> codes, CancellationToken cancellationToken)
    {
        var found = false;
        foreach (var node in tree.GetRoot(cancellationToken).DescendantNodes())
        {
            if (node is BaseObjectCreationExpressionSyntax creation && Code(creation) is { } code)
            {
                found = true;
                // A catalog file may deprecate a code defined in code; it is read first and wins.
                if (!codes.TryGetValue(code, out var replacedBy) || replacedBy is null)
                {
                    codes[code] = ReplacedBy(creation);
                }
            }
        }

        return found;
    }

    private static bool IsDefinition(ExpressionSyntax? expression) => expression switch
    {
        ObjectCreationExpressionSyntax explicitType => EndsWithTypeName(explicitType.Type),
        ImplicitObjectCreationExpressionSyntax implicitType => implicitType.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax declaration } }
            && EndsWithTypeName(declaration.Type),
        _ => false,
    };

    private static bool EndsWithTypeName(TypeSyntax type) => type switch
    {
        IdentifierNameSyntax name => name.Identifier.ValueText == TypeName,
        QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText == TypeName,
        AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText == TypeName,
        NullableTypeSyntax nullable => EndsWithTypeName(nullable.ElementType),
        _ => false,
    };
}
