using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ErrorTelemetry.Analyzers.Raising;

/// <summary>ET0001: <c>throw new Exception(…)</c> and its vanilla siblings raise failures no rule can classify.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnclassifiableThrowAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The exception types that say nothing about the failure: exactly these, not their subclasses.</summary>
    private static readonly ImmutableArray<string> VanillaTypes =
        ["System.Exception", "System.ApplicationException", "System.SystemException"];

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Rules.UnclassifiableThrow];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(Analyze, OperationKind.Throw);
    }

    private static void Analyze(OperationAnalysisContext context)
    {
        var thrown = ((IThrowOperation)context.Operation).Exception;
        while (thrown is IConversionOperation conversion)
        {
            thrown = conversion.Operand;
        }

        if (thrown is IObjectCreationOperation { Type: INamedTypeSymbol type } creation
            && VanillaTypes.Contains(type.ContainingNamespace?.ToDisplayString() + "." + type.MetadataName))
        {
            context.ReportDiagnostic(Diagnostic.Create(Rules.UnclassifiableThrow, creation.Syntax.GetLocation(), type.Name));
        }
    }
}
