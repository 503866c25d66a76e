using Microsoft.Extensions.Configuration;

namespace ErrorTelemetry.Configuration.Internal;

/// <summary>Binds <see cref="ErrorTelemetryOptions"/> from configuration.</summary>
internal static class ErrorTelemetryConfiguration
{
    /// <summary>The configuration section the options live in.</summary>
    public const string SectionName = "ErrorTelemetry";

    /// <summary>
    /// Binds the public properties of the options, including the <c>Catalog</c> dictionary and <c>CatalogFile</c>,
    /// from the <c>ErrorTelemetry</c> section. Definitions registered in code and mapping rules are untouched.
    /// </summary>
    /// <param name="section">The <c>ErrorTelemetry</c> section (not the configuration root).</param>
    /// <param name="options">The options to bind into.</param>
    /// <exception cref="InvalidOperationException">A value cannot be converted, e.g. <c>HttpStatus: "abc"</c>; the message names the key.</exception>
    public static void Bind(IConfiguration section, ErrorTelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);

        // The project enables the configuration binding source generator, which intercepts this call with generated,
        // trimming-safe code; the reflection binder would break the library's AOT compatibility.
        section.Bind(options);
    }
}
