using System.Text.Json;
using ErrorTelemetry.Tool.Schema;

namespace ErrorTelemetry.Tool.Catalog;

/// <summary>
/// Writes definitions in the catalog file format the host reads (<c>ErrorTelemetry:CatalogFile</c>), so a catalog
/// declared in code can be published, diffed and checked as a file. Built-in codes are left out unless asked for.
/// </summary>
internal static class CatalogExport
{
    public static string Render(IReadOnlyList<ErrorDefinition> definitions, bool includeBuiltIns)
    {
        var builtIns = BuiltInErrors.All().Select(d => d.Code).ToHashSet(StringComparer.Ordinal);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("$schema", CatalogSchema.Id);
            foreach (var d in definitions)
            {
                if (!includeBuiltIns && builtIns.Contains(d.Code))
                {
                    continue;
                }

                writer.WriteStartObject(d.Code);
                writer.WriteString(nameof(ErrorDefinitionOptions.Category), d.Category.ToString());
                writer.WriteString(nameof(ErrorDefinitionOptions.Severity), d.Severity.ToString());
                writer.WriteString(nameof(ErrorDefinitionOptions.Title), d.Title);
                Optional(writer, nameof(ErrorDefinitionOptions.Description), d.Description);
                writer.WriteNumber(nameof(ErrorDefinitionOptions.HttpStatus), d.HttpStatus);
                writer.WriteBoolean(nameof(ErrorDefinitionOptions.Retryable), d.Retryable);
                Optional(writer, nameof(ErrorDefinitionOptions.Owner), d.Owner);
                Optional(writer, nameof(ErrorDefinitionOptions.RunbookUrl), d.RunbookUrl?.OriginalString);
                Optional(writer, nameof(ErrorDefinitionOptions.Remediation), d.Remediation);
                Optional(writer, nameof(ErrorDefinitionOptions.ReplacedBy), d.ReplacedBy);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray()) + Environment.NewLine;
    }

    private static void Optional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
