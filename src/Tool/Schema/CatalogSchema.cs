using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ErrorTelemetry.Catalog.Internal;

namespace ErrorTelemetry.Tool.Schema;

/// <summary>
/// The JSON Schema (draft 2020-12) of the catalog file, built from the same rules the host's reader applies: the
/// code rule for property names, the field names (case-insensitive, as the reader matches them), value types, the
/// category and severity names, the HTTP status range and absolute http(s) runbook URLs. <c>$</c> properties
/// (<c>$schema</c>) are allowed. Whether an entry needs a title (only a new code does) depends on the other layers,
/// so the host checks that, not the schema.
/// </summary>
internal static class CatalogSchema
{
    public const string Id = "https://errortelemetry.dev/schemas/catalog.schema.json";

    public static string Render()
    {
        var categories = Enum.GetValues<ErrorCategory>().SelectMany(c => new[] { c.ToString(), CategoryDefaults.Name(c) }).Distinct(StringComparer.OrdinalIgnoreCase);
        var severities = Enum.GetNames<ErrorSeverity>();
        var fields = new (string Name, JsonObject Schema)[]
        {
            ("Category", Text("The category; fixed once a code is defined.", OneOf(categories))),
            ("Severity", Text("info, warning, error or critical; defaults to the category's.", OneOf(severities))),
            ("Title", Text("A short title that is safe to show an end user; required for a new code.", null)),
            ("Description", Text("What happened and why it matters, for engineers.", null)),
            ("HttpStatus", new JsonObject { ["description"] = "The HTTP status a server answers with; defaults to the category's.", ["type"] = new JsonArray("integer", "null"), ["minimum"] = 400, ["maximum"] = 599 }),
            ("Retryable", new JsonObject { ["description"] = "Whether the same request may succeed if retried.", ["type"] = new JsonArray("boolean", "null") }),
            ("Owner", Text("The team or person who owns this failure.", null)),
            ("RunbookUrl", Text("An absolute http or https URL.", "^\\s*[Hh][Tt][Tt][Pp][Ss]?://\\S+\\s*$")),
            ("Remediation", Text("How to fix or work around the failure.", null)),
            ("ReplacedBy", Text("The code that replaces this deprecated one.", CodePattern)),
        };

        var properties = new JsonObject();
        var patternProperties = new JsonObject();
        foreach (var (name, schema) in fields)
        {
            properties[name] = schema;
            patternProperties[CaseInsensitive(name)] = schema.DeepClone();
        }

        var entry = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "A definition, or the fields that override an existing code's.",
            ["properties"] = properties,
            ["patternProperties"] = patternProperties,
            ["additionalProperties"] = false,
        };
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = Id,
            ["title"] = "ErrorTelemetry catalog file",
            ["description"] = "An object keyed by error code (" + ErrorCodeRule.Description + ").",
            ["type"] = "object",
            ["patternProperties"] = new JsonObject
            {
                ["^\\$"] = new JsonObject(),
                [CodePattern] = entry,
            },
            ["additionalProperties"] = false,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine;
    }

    /// <summary>The code rule as a pattern; ECMA-262 regex as JSON Schema requires.</summary>
    private static string CodePattern =>
        $"^[A-Z][A-Z0-9_]{{{ErrorCodeRule.MinLength - 1},{ErrorCodeRule.MaxLength - 1}}}$";

    private static JsonObject Text(string description, string? pattern)
    {
        var schema = new JsonObject { ["description"] = description, ["type"] = new JsonArray("string", "null") };
        if (pattern is not null)
        {
            schema["pattern"] = pattern;
        }

        return schema;
    }

    /// <summary>The reader trims and compares names case-insensitively; JSON Schema patterns have no flag for it.</summary>
    private static string OneOf(IEnumerable<string> names) =>
        "^\\s*(" + string.Join("|", names.Select(Letters)) + ")\\s*$";

    private static string CaseInsensitive(string name) => "^" + Letters(name) + "$";

    private static string Letters(string name)
    {
        var pattern = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsLetter(c))
            {
                pattern.Append('[').Append(char.ToUpperInvariant(c)).Append(char.ToLowerInvariant(c)).Append(']');
            }
            else
            {
                pattern.Append(c);
            }
        }

        return pattern.ToString();
    }
}
