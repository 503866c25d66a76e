using System.Collections.Frozen;

namespace ErrorTelemetry;

/// <summary>
/// The single source of truth for error codes: every definition the service knows, looked up by code.
/// </summary>
/// <remarks>
/// Immutable and thread-safe. Lookup by code is O(1) and allocation-free. Built once at start from the built-in
/// definitions, the definitions registered in code and those in configuration.
/// </remarks>
public sealed class ErrorCatalog
{
    private readonly FrozenDictionary<string, ErrorDefinition> _byCode;
    private readonly FrozenDictionary<string, ErrorDefinition>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    internal ErrorCatalog(IEnumerable<ErrorDefinition> definitions)
    {
        _byCode = definitions.ToFrozenDictionary(static d => d.Code, StringComparer.Ordinal);
        _bySpan = _byCode.GetAlternateLookup<ReadOnlySpan<char>>();
        Unclassified = _byCode.TryGetValue(BuiltInErrors.Unclassified.Code, out var u) ? u : BuiltInErrors.Unclassified;
    }

    /// <summary>Gets every definition in the catalog.</summary>
    public IReadOnlyCollection<ErrorDefinition> Definitions => _byCode.Values;

    /// <summary>Gets the fallback definition for failures no rule classifies; its counts show where the catalog has gaps.</summary>
    public ErrorDefinition Unclassified { get; }

    /// <summary>Looks up a definition by code.</summary>
    /// <param name="code">The code.</param>
    /// <param name="definition">The definition, when found.</param>
    /// <returns><see langword="true"/> when the catalog has the code.</returns>
    public bool TryGet(string code, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ErrorDefinition? definition)
    {
        ArgumentNullException.ThrowIfNull(code);
        return _byCode.TryGetValue(code, out definition);
    }

    /// <summary>Looks up a definition by code without allocating a string.</summary>
    /// <param name="code">The code.</param>
    /// <param name="definition">The definition, when found.</param>
    /// <returns><see langword="true"/> when the catalog has the code.</returns>
    public bool TryGet(ReadOnlySpan<char> code, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ErrorDefinition? definition) =>
        _bySpan.TryGetValue(code, out definition);

    /// <summary>Returns this catalog's definition for the code of <paramref name="definition"/> (which carries any configuration overrides), or <paramref name="definition"/> itself when the catalog lacks the code.</summary>
    internal ErrorDefinition Resolve(ErrorDefinition definition) =>
        _byCode.TryGetValue(definition.Code, out var own) ? own : definition;

    /// <summary>Gets the definition of a code.</summary>
    /// <param name="code">The code.</param>
    /// <returns>The definition.</returns>
    /// <exception cref="KeyNotFoundException">The catalog has no such code.</exception>
    public ErrorDefinition Get(string code) =>
        TryGet(code, out var definition)
            ? definition
            : throw new KeyNotFoundException($"The error catalog has no code '{code}'. Add it in code (ErrorTelemetryOptions.AddDefinition) or under ErrorTelemetry:Catalog in configuration.");
}
