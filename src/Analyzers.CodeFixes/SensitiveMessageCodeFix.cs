using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Text;
using ErrorTelemetry.Analyzers.SensitiveData;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ErrorTelemetry.Analyzers;

/// <summary>
/// ET0004. A log message becomes a template with one named placeholder per hole and the values as structured
/// parameters (<c>$"Sent to {email}"</c> → <c>"Sent to {Email}", email</c>), which redaction governs by key. An
/// exception message loses its sensitive holes, whose values go to <c>WithContext</c>
/// (<c>new X($"No user {email}")</c> → <c>new X("No user email").WithContext("email", email)</c>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SensitiveMessageCodeFix))]
[Shared]
public sealed class SensitiveMessageCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds => [Rules.SensitiveMessageId];

    /// <inheritdoc/>
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var diagnostic = context.Diagnostics[0];
        if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)?.FirstAncestorOrSelf<InterpolatedStringExpressionSyntax>() is not { } text
            || text.StringStartToken.IsKind(SyntaxKind.InterpolatedSingleLineRawStringStartToken)
            || text.StringStartToken.IsKind(SyntaxKind.InterpolatedMultiLineRawStringStartToken)
            || text.Parent is not ArgumentSyntax { Parent: ArgumentListSyntax arguments } argument)
        {
            return;
        }

        if (diagnostic.Properties.TryGetValue(SensitiveMessageAnalyzer.KindProperty, out var kind) && kind == SensitiveMessageAnalyzer.LogKind)
        {
            if (arguments.Arguments.Last() == argument)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Use a structured log message template",
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(ToTemplate(root, text, arguments))),
                        nameof(SensitiveMessageCodeFix) + ".Log"),
                    diagnostic);
            }

            return;
        }

        if (arguments.Parent is ExpressionSyntax call)
        {
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Move the value to WithContext",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(ToContext(root, text, call))),
                    nameof(SensitiveMessageCodeFix) + ".Exception"),
                diagnostic);
        }
    }

    private static SyntaxNode ToTemplate(SyntaxNode root, InterpolatedStringExpressionSyntax text, ArgumentListSyntax arguments)
    {
        var template = new StringBuilder();
        var values = new List<ArgumentSyntax>();
        foreach (var content in text.Contents)
        {
            if (content is InterpolatedStringTextSyntax literal)
            {
                template.Append(literal.TextToken.Text);
            }
            else if (content is InterpolationSyntax hole)
            {
                template.Append('{').Append(Placeholder(hole.Expression, values.Count));
                if (hole.AlignmentClause is { } alignment)
                {
                    template.Append(alignment.ToString());
                }

                if (hole.FormatClause is { } format)
                {
                    template.Append(format.ToString());
                }

                template.Append('}');
                values.Add(SyntaxFactory.Argument(hole.Expression.WithoutTrivia()));
            }
        }

        var verbatim = text.StringStartToken.IsKind(SyntaxKind.InterpolatedVerbatimStringStartToken);
        var literalText = (verbatim ? "@\"" : "\"") + template + "\"";
        var message = SyntaxFactory.ParseExpression(literalText).WithTriviaFrom(text);
        var rewritten = arguments.ReplaceNode(text, message).AddArguments([.. values]);
        return root.ReplaceNode(arguments, rewritten);
    }

    private static SyntaxNode ToContext(SyntaxNode root, InterpolatedStringExpressionSyntax text, ExpressionSyntax call)
    {
        var kept = new StringBuilder();
        var holesLeft = false;
        var context = new List<(string Key, ExpressionSyntax Value)>();
        foreach (var content in text.Contents)
        {
            if (content is InterpolationSyntax hole && NameOf(hole.Expression) is { } name && SensitiveNames.IsSensitive(name))
            {
                kept.Append(name);
                context.Add((name, hole.Expression.WithoutTrivia()));
            }
            else
            {
                holesLeft |= content is InterpolationSyntax;
                kept.Append(content.ToString());
            }
        }

        var verbatim = text.StringStartToken.IsKind(SyntaxKind.InterpolatedVerbatimStringStartToken);
        var start = (holesLeft ? "$" : string.Empty) + (verbatim ? "@\"" : "\"");
        var message = SyntaxFactory.ParseExpression(start + kept + "\"");
        var replaced = call.ReplaceNode(text, message.WithTriviaFrom(text));
        ExpressionSyntax wrapped = replaced.WithoutTrivia();
        foreach (var (key, value) in context)
        {
            wrapped = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, wrapped, SyntaxFactory.IdentifierName("WithContext")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(
                [
                    SyntaxFactory.Argument(SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(key))),
                    SyntaxFactory.Argument(value),
                ])));
        }

        // WithContext is an extension method in the ErrorTelemetry namespace, which the file may not import yet.
        return LibraryNamespace.EnsureImported(root.ReplaceNode(call, wrapped.WithTriviaFrom(call)));
    }

    /// <summary>A PascalCase placeholder named after the value (<c>user.Email</c> → <c>Email</c>), else <c>Arg{n}</c>.</summary>
    private static string Placeholder(ExpressionSyntax expression, int index)
    {
        var name = NameOf(expression);
        return name is null
            ? "Arg" + index.ToString(CultureInfo.InvariantCulture)
            : char.ToUpperInvariant(name[0]) + name.Substring(1);
    }

    private static string? NameOf(ExpressionSyntax expression) => expression switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        _ => null,
    };
}
