using Microsoft.CodeAnalysis;

namespace ErrorTelemetry.Analyzers;

/// <summary>The types the rules recognise, resolved once per compilation; a type the compilation lacks is null.</summary>
internal sealed class KnownTypes
{
    public KnownTypes(Compilation compilation)
    {
        Exception = compilation.GetTypeByMetadataName("System.Exception");
        OperationCanceledException = compilation.GetTypeByMetadataName("System.OperationCanceledException");
        ErrorDefinition = compilation.GetTypeByMetadataName("ErrorTelemetry.ErrorDefinition");
        CodedException = compilation.GetTypeByMetadataName("ErrorTelemetry.CodedException");
        ErrorDefinitionExtensions = compilation.GetTypeByMetadataName("ErrorTelemetry.ErrorDefinitionExtensions");
        LoggerExtensions = compilation.GetTypeByMetadataName("Microsoft.Extensions.Logging.LoggerExtensions");
    }

    public INamedTypeSymbol? Exception { get; }

    public INamedTypeSymbol? OperationCanceledException { get; }

    public INamedTypeSymbol? ErrorDefinition { get; }

    public INamedTypeSymbol? CodedException { get; }

    public INamedTypeSymbol? ErrorDefinitionExtensions { get; }

    public INamedTypeSymbol? LoggerExtensions { get; }

    public static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol? baseType)
    {
        if (baseType is null)
        {
            return false;
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, baseType))
            {
                return true;
            }
        }

        return false;
    }
}
