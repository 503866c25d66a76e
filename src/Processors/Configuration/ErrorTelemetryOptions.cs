namespace ErrorTelemetry;

/// <summary>
/// Options of the ErrorTelemetry core, bound from the <c>ErrorTelemetry</c> configuration section.
/// </summary>
/// <remarks>Configure at start; not thread-safe while being configured. Validated when the host starts.</remarks>
public sealed class ErrorTelemetryOptions
{
    internal List<ErrorDefinition> CodeDefinitions { get; } = [];

    /// <summary>Gets or sets the most distinct series the failure counter keeps before folding new ones into an overflow series.</summary>
    /// <value>The default is 2000.</value>
    public int MaxFailureSeries { get; set; } = 2000;

    /// <summary>Registers one definition made in code.</summary>
    /// <param name="definition">The definition.</param>
    /// <returns>These options, for chaining.</returns>
    public ErrorTelemetryOptions AddDefinition(ErrorDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        CodeDefinitions.Add(definition);
        return this;
    }

    /// <summary>Registers every public static <see cref="ErrorDefinition"/> field and property of a (static) class.</summary>
    /// <param name="definitions">The class that declares the definitions.</param>
    /// <returns>These options, for chaining.</returns>
    public ErrorTelemetryOptions AddDefinitions([System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicFields | System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicProperties)] Type definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        foreach (var field in definitions.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
        {
            if (field.FieldType == typeof(ErrorDefinition) && field.GetValue(null) is ErrorDefinition d)
            {
                CodeDefinitions.Add(d);
            }
        }

        foreach (var property in definitions.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
        {
            if (property.PropertyType == typeof(ErrorDefinition) && property.GetValue(null) is ErrorDefinition d)
            {
                CodeDefinitions.Add(d);
            }
        }

        return this;
    }
}
