using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ErrorTelemetry.Analyzers.Catalog;

/// <summary>
/// ET0005: a code string the catalog does not define; ET0006: a deprecated code, by string or by its definition.
/// The catalog seen here is the built-in codes, the <c>new ErrorDefinition("CODE", …)</c> of this compilation and
/// the catalog files passed as additional files. Codes are checked where the API takes a code
/// (<c>Map&lt;T&gt;("CODE")</c>, <c>catalog.Get("CODE")</c>, <c>ReplacedBy = "CODE"</c>). A project that defines
/// no code and has no catalog file sees too little of the catalog to call a code unknown, so ET0005 stays quiet
/// there.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CatalogCodeAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property with the replacement code of a deprecated one.</summary>
    public const string ReplacedByProperty = "ReplacedBy";

    /// <summary>Diagnostic property set when the deprecated code is a string literal the fix can replace.</summary>
    public const string IsStringProperty = "IsString";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [Rules.UnknownCode, Rules.DeprecatedCode];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var errorDefinition = start.Compilation.GetTypeByMetadataName("ErrorTelemetry.ErrorDefinition");
            if (errorDefinition is null)
            {
                return;
            }

            var state = new State(errorDefinition, start.Compilation, start.Options);
            start.RegisterOperationAction(state.OnCreation, OperationKind.ObjectCreation);
            start.RegisterOperationAction(state.OnArgument, OperationKind.Argument);
            start.RegisterOperationAction(state.OnFieldReference, OperationKind.FieldReference);
        });
    }

    private sealed class State(INamedTypeSymbol errorDefinition, Compilation compilation, AnalyzerOptions options)
    {
        private readonly Lazy<SeenCatalog> _catalog = new(() => SeenCatalog.Read(compilation, options), LazyThreadSafetyMode.ExecutionAndPublication);

        public void OnCreation(OperationAnalysisContext context)
        {
            var creation = (IObjectCreationOperation)context.Operation;
            if (!SymbolEqualityComparer.Default.Equals(creation.Type, errorDefinition))
            {
                return;
            }

            foreach (var initializer in creation.Initializer?.Initializers ?? [])
            {
                if (initializer is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "ReplacedBy" }, Value: var value }
                    && value.ConstantValue is { HasValue: true, Value: string replacement })
                {
                    Check(context, replacement, value.Syntax.GetLocation(), isString: true);
                }
            }
        }

        public void OnArgument(OperationAnalysisContext context)
        {
            var argument = (IArgumentOperation)context.Operation;
            if (argument.Parameter is { Name: "code", Type.SpecialType: SpecialType.System_String, ContainingSymbol: IMethodSymbol method }
                && method.MethodKind != MethodKind.Constructor
                && IsOurs(method.ContainingType)
                && argument.Value.ConstantValue is { HasValue: true, Value: string code })
            {
                Check(context, code, argument.Value.Syntax.GetLocation(), isString: true);
            }
        }

        public void OnFieldReference(OperationAnalysisContext context)
        {
            var reference = (IFieldReferenceOperation)context.Operation;
            if (!SymbolEqualityComparer.Default.Equals(reference.Field.Type, errorDefinition))
            {
                return;
            }

            foreach (var declaration in reference.Field.DeclaringSyntaxReferences)
            {
                if (declaration.GetSyntax(context.CancellationToken) is VariableDeclaratorSyntax declarator
                    && DefinitionSyntax.Code(declarator.Initializer?.Value) is { } code
                    && _catalog.Value.Codes.TryGetValue(code, out var replacedBy)
                    && replacedBy is not null)
                {
                    var properties = ImmutableDictionary<string, string?>.Empty.Add(ReplacedByProperty, replacedBy);
                    context.ReportDiagnostic(Diagnostic.Create(Rules.DeprecatedCode, reference.Syntax.GetLocation(), properties, code, replacedBy));
                }
            }
        }

        private void Check(OperationAnalysisContext context, string code, Location location, bool isString)
        {
            var catalog = _catalog.Value;
            if (!catalog.Codes.TryGetValue(code, out var replacedBy))
            {
                if (catalog.IsVisible)
                {
                    context.ReportDiagnostic(Diagnostic.Create(Rules.UnknownCode, location, code));
                }
            }
            else if (replacedBy is not null)
            {
                var properties = ImmutableDictionary<string, string?>.Empty.Add(ReplacedByProperty, replacedBy);
                if (isString)
                {
                    properties = properties.Add(IsStringProperty, "true");
                }

                context.ReportDiagnostic(Diagnostic.Create(Rules.DeprecatedCode, location, properties, code, replacedBy));
            }
        }

        private static bool IsOurs(INamedTypeSymbol? type)
        {
            var ns = type?.ContainingNamespace;
            while (ns is { ContainingNamespace.IsGlobalNamespace: false })
            {
                ns = ns.ContainingNamespace;
            }

            return ns is { Name: "ErrorTelemetry" };
        }
    }
}
