using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using ErrorTelemetry.Classification.Internal;
using ErrorTelemetry.Configuration.Internal;

namespace ErrorTelemetry;

/// <summary>
/// Options of the ErrorTelemetry core, bound from the <c>ErrorTelemetry</c> configuration section.
/// </summary>
/// <remarks>
/// Configure at start; not thread-safe while being configured. Validated when the host starts: an invalid,
/// duplicate or conflicting catalog entry, or a mapping rule for an unknown code, stops the host with messages that
/// name each entry and the rule it broke. Registration methods throw only for null or empty arguments.
/// </remarks>
public sealed class ErrorTelemetryOptions
{
    /// <summary>Gets or sets the most distinct series the failure counter keeps before folding new ones into an overflow series.</summary>
    /// <value>The default is 2000.</value>
    public int MaxFailureSeries { get; set; } = 2000;

    /// <summary>
    /// Gets or sets a value indicating whether a log record at Error level or above that carries neither an exception
    /// nor a code (an <c>error.code</c> attribute or an event name that is a catalogued code), outside any recorded
    /// failure, is counted as an <c>UNCLASSIFIED</c> failure. Off, such a record is a message: exported as written and
    /// not counted.
    /// </summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool CountUncodedErrorLogs { get; set; }

    /// <summary>
    /// Gets the catalog entries from configuration (<c>ErrorTelemetry:Catalog</c>), keyed by code. An entry adds a
    /// code, or overrides fields of a built-in or code-defined one (everything but its category).
    /// </summary>
    /// <value>The default is empty.</value>
    public Dictionary<string, ErrorDefinitionOptions> Catalog { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets the path of a JSON catalog file: an object keyed by code whose values have the shape of
    /// <see cref="ErrorDefinitionOptions"/>. A relative path is resolved against the content root (or, without a host, the
    /// application's base directory). Entries in <see cref="Catalog"/> are applied after the file's.
    /// </summary>
    /// <value>The default is <see langword="null"/> (no file).</value>
    public string? CatalogFile { get; set; }

    // Fields, not properties: the configuration binder generator binds every property it can see, and these are
    // registrations made in code, never configuration.
    internal readonly List<DefinitionRegistration> Registrations = [];

    internal readonly List<MappingRule> MappingRules = [];

    internal IReadOnlyList<ErrorDefinition> CodeDefinitions => Registrations.ConvertAll(static r => r.Definition);

    /// <summary>Registers one definition made in code. Registering the same instance again has no effect.</summary>
    /// <param name="definition">The definition.</param>
    /// <param name="source">How start-up errors name this registration; the compiler supplies the argument expression, e.g. <c>MyErrors.OrderNotFound</c>.</param>
    /// <returns>These options, for chaining.</returns>
    public ErrorTelemetryOptions AddDefinition(ErrorDefinition definition, [CallerArgumentExpression(nameof(definition))] string? source = null)
    {
        ArgumentNullException.ThrowIfNull(definition);

        // A multi-line "new ErrorDefinition(...) { ... }" expression would make a poor name in an error message.
        var name = source is { Length: > 0 and <= 100 } && source.IndexOfAny(['\n', '\r', '{', '(']) < 0
            ? source
            : $"ErrorTelemetryOptions.AddDefinition({definition.Code})";
        Registrations.Add(new DefinitionRegistration(definition, name));
        return this;
    }

    /// <summary>
    /// Registers every public static <see cref="ErrorDefinition"/> field and property of a (static) class, the
    /// strongly typed way to declare a catalog in code.
    /// </summary>
    /// <param name="definitions">The class that declares the definitions.</param>
    /// <returns>These options, for chaining.</returns>
    public ErrorTelemetryOptions AddDefinitions([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.PublicProperties)] Type definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        foreach (var field in definitions.GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            if (field.FieldType == typeof(ErrorDefinition) && field.GetValue(null) is ErrorDefinition d)
            {
                Registrations.Add(new DefinitionRegistration(d, definitions.Name + "." + field.Name));
            }
        }

        foreach (var property in definitions.GetProperties(BindingFlags.Public | BindingFlags.Static))
        {
            if (property.PropertyType == typeof(ErrorDefinition) && property.GetIndexParameters().Length == 0 && property.GetValue(null) is ErrorDefinition d)
            {
                Registrations.Add(new DefinitionRegistration(d, definitions.Name + "." + property.Name));
            }
        }

        return this;
    }

    /// <summary>
    /// Maps exceptions of type <typeparamref name="TException"/> (and types derived from it) to a catalogued code.
    /// </summary>
    /// <remarks>
    /// User rules take precedence over the built-in rules; among rules that match the same exception, the one for
    /// the most specific type wins, then the one registered first. A code that is not in the catalog stops the host
    /// at start. A predicate that throws is skipped and reported on the ErrorTelemetry event source.
    /// </remarks>
    /// <typeparam name="TException">The exception type to match.</typeparam>
    /// <param name="code">The code to classify matching exceptions as.</param>
    /// <param name="when">An optional condition on the exception, e.g. <c>e =&gt; e.Number == 1205</c>; runs on the failing thread and must be fast and side-effect free.</param>
    /// <returns>These options, for chaining.</returns>
    public ErrorTelemetryOptions Map<TException>(string code, Func<TException, bool>? when = null)
        where TException : Exception
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        MappingRules.Add(MappingRule.Create(code, null, when, MappingRules.Count));
        return this;
    }

    /// <summary>
    /// Maps exceptions of type <typeparamref name="TException"/> (and types derived from it) to a definition, and
    /// registers the definition as <see cref="AddDefinition"/> does.
    /// </summary>
    /// <remarks>Precedence as for <see cref="Map{TException}(string, Func{TException, bool}?)"/>.</remarks>
    /// <typeparam name="TException">The exception type to match.</typeparam>
    /// <param name="definition">The definition to classify matching exceptions as.</param>
    /// <param name="when">An optional condition on the exception; runs on the failing thread and must be fast and side-effect free.</param>
    /// <returns>These options, for chaining.</returns>
    public ErrorTelemetryOptions Map<TException>(ErrorDefinition definition, Func<TException, bool>? when = null)
        where TException : Exception
    {
        ArgumentNullException.ThrowIfNull(definition);
        var rule = MappingRule.Create(definition.Code, definition, when, MappingRules.Count);
        MappingRules.Add(rule);
        Registrations.Add(new DefinitionRegistration(definition, rule.Name));
        return this;
    }
}
