using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ErrorTelemetry.Analyzers.SensitiveData;

/// <summary>
/// ET0004: an exception message or a log message built by interpolating a value whose name says it is personal data
/// or a secret. Reported on the interpolation hole.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SensitiveMessageAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property naming where the message goes: <see cref="LogKind"/> or <see cref="ExceptionKind"/>.</summary>
    public const string KindProperty = "Kind";

    /// <summary>The message is a log message template.</summary>
    public const string LogKind = "log";

    /// <summary>The message is an exception's message.</summary>
    public const string ExceptionKind = "exception";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Rules.SensitiveMessage];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = new KnownTypes(start.Compilation);
            start.RegisterOperationAction(c => AnalyzeCreation(c, types), OperationKind.ObjectCreation);
            start.RegisterOperationAction(c => AnalyzeInvocation(c, types), OperationKind.Invocation);
        });
    }

    private static void AnalyzeCreation(OperationAnalysisContext context, KnownTypes types)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (KnownTypes.DerivesFrom(creation.Type, types.Exception))
        {
            Check(context, creation.Arguments, ExceptionKind);
        }
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, KnownTypes types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var containing = invocation.TargetMethod.ContainingType;
        if (types.LoggerExtensions is not null && SymbolEqualityComparer.Default.Equals(containing, types.LoggerExtensions))
        {
            Check(context, invocation.Arguments, LogKind);
        }
        else if (types.ErrorDefinitionExtensions is not null && SymbolEqualityComparer.Default.Equals(containing, types.ErrorDefinitionExtensions))
        {
            Check(context, invocation.Arguments, ExceptionKind);
        }
    }

    private static void Check(OperationAnalysisContext context, ImmutableArray<IArgumentOperation> arguments, string kind)
    {
        foreach (var argument in arguments)
        {
            if (argument.Parameter?.Name != "message")
            {
                continue;
            }

            var value = argument.Value;
            while (value is IConversionOperation conversion)
            {
                value = conversion.Operand;
            }

            if (value is not IInterpolatedStringOperation interpolated)
            {
                continue;
            }

            foreach (var part in interpolated.Parts)
            {
                if (part is IInterpolationOperation hole && NameOf(hole.Expression) is { } name && SensitiveNames.IsSensitive(name))
                {
                    var properties = ImmutableDictionary<string, string?>.Empty.Add(KindProperty, kind);
                    var advice = kind == LogKind ? "as a structured log parameter" : "with WithContext or WithDetail";
                    context.ReportDiagnostic(Diagnostic.Create(Rules.SensitiveMessage, hole.Syntax.GetLocation(), properties, name, advice));
                }
            }
        }
    }

    /// <summary>The name a value goes by: a local, parameter, field or property, or the last member of a chain.</summary>
    internal static string? NameOf(IOperation operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation switch
        {
            ILocalReferenceOperation local => local.Local.Name,
            IParameterReferenceOperation parameter => parameter.Parameter.Name,
            IFieldReferenceOperation field => field.Field.Name,
            IPropertyReferenceOperation property => property.Property.Name,
            _ => null,
        };
    }
}
