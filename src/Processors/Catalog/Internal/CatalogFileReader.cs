using System.Globalization;
using System.Text.Json;

namespace ErrorTelemetry.Catalog.Internal;

/// <summary>
/// Reads the JSON catalog file: an object keyed by code whose values have the shape of
/// <see cref="ErrorDefinitionOptions"/> (property names case-insensitive; comments and trailing commas allowed, as in
/// appsettings.json; properties starting with <c>$</c>, such as <c>$schema</c>, are ignored).
/// </summary>
/// <remarks>
/// Parsed with <see cref="JsonDocument"/> rather than the serializer so that it stays trimming-safe and can report a
/// wrong value type or a misspelt property against the entry, instead of failing on the first one.
/// </remarks>
internal static class CatalogFileReader
{
    private const string FieldNames = "Category, Severity, Title, Description, HttpStatus, Retryable, Owner, RunbookUrl, Remediation or ReplacedBy";

    private static readonly JsonDocumentOptions ParseOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Reads the entries of the file; problems are added to <paramref name="problems"/>.</summary>
    /// <param name="fullPath">The resolved path.</param>
    /// <param name="displayPath">The path as configured, which names the file's entries in messages.</param>
    /// <param name="problems">Where problems go.</param>
    public static List<(string Code, ErrorDefinitionOptions Entry, string Where)> Read(string fullPath, string displayPath, List<string> problems)
    {
        var entries = new List<(string, ErrorDefinitionOptions, string)>();
        JsonDocument document;
        try
        {
            using var stream = File.OpenRead(fullPath);
            document = JsonDocument.Parse(stream, ParseOptions);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            problems.Add($"{ErrorCatalogFactory.CatalogFileKey}: the catalog file '{fullPath}' does not exist");
            return entries;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            problems.Add($"{ErrorCatalogFactory.CatalogFileKey}: the catalog file '{fullPath}' cannot be read: {e.Message}");
            return entries;
        }
        catch (JsonException e)
        {
            problems.Add($"{ErrorCatalogFactory.CatalogFileKey}: the catalog file '{fullPath}' is not valid JSON at line {Position(e.LineNumber)}, byte {Position(e.BytePositionInLine)}: {Reason(e.Message)}");
            return entries;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{ErrorCatalogFactory.CatalogFileKey}: the catalog file '{fullPath}' must hold a JSON object keyed by error code, not {Kind(root.ValueKind)}");
                return entries;
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name.StartsWith('$'))
                {
                    continue;
                }

                var where = $"{displayPath}:{property.Name}";
                if (!seen.Add(property.Name))
                {
                    problems.Add($"{where}: the code appears more than once in the file");
                    continue;
                }

                if (property.Value.ValueKind != JsonValueKind.Object)
                {
                    problems.Add($"{where}: the entry must be a JSON object, not {Kind(property.Value.ValueKind)}");
                    continue;
                }

                var before = problems.Count;
                var entry = ReadEntry(property.Value, where, problems);
                if (problems.Count == before)
                {
                    entries.Add((property.Name, entry, where));
                }
            }
        }

        return entries;
    }

    private static ErrorDefinitionOptions ReadEntry(JsonElement element, string where, List<string> problems)
    {
        var entry = new ErrorDefinitionOptions();
        foreach (var field in element.EnumerateObject())
        {
            var name = field.Name;
            var value = field.Value;
            if (Is(name, nameof(ErrorDefinitionOptions.HttpStatus)))
            {
                if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var status))
                {
                    entry.HttpStatus = status;
                }
                else if (value.ValueKind != JsonValueKind.Null)
                {
                    problems.Add($"{where}:HttpStatus must be a whole number, not {(value.ValueKind == JsonValueKind.Number ? value.GetRawText() : Kind(value.ValueKind))}");
                }
            }
            else if (Is(name, nameof(ErrorDefinitionOptions.Retryable)))
            {
                if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    entry.Retryable = value.GetBoolean();
                }
                else if (value.ValueKind != JsonValueKind.Null)
                {
                    problems.Add($"{where}:Retryable must be true or false, not {Kind(value.ValueKind)}");
                }
            }
            else if (Is(name, nameof(ErrorDefinitionOptions.Category)))
            {
                entry.Category = String(value, where, name, problems);
            }
            else if (Is(name, nameof(ErrorDefinitionOptions.Severity)))
            {
                entry.Severity = String(value, where, name, problems);
            }
            else if (Is(name, nameof(ErrorDefinitionOptions.Title)))
            {
                entry.Title = String(value, where, name, problems);
            }
            else if (Is(name, nameof(ErrorDefinitionOptions.Description)))
            {
                entry.Description = String(value, where, name, problems);
            }
            else if (Is(name, nameof(ErrorDefinitionOptions.Owner)))
            {
                entry.Owner = String(value, where, name, problems);
            }
            else if (Is(name, nameof(ErrorDefinitionOptions.RunbookUrl)))
            {
                entry.RunbookUrl = String(value, where, name, problems);
            }
            else if (Is(name, nameof(ErrorDefinitionOptions.Remediation)))
            {
                entry.Remediation = String(value, where, name, problems);
            }
            else if (Is(name, nameof(ErrorDefinitionOptions.ReplacedBy)))
            {
                entry.ReplacedBy = String(value, where, name, problems);
            }
            else
            {
                problems.Add($"{where}: unknown property '{name}'; use {FieldNames}");
            }
        }

        return entry;
    }

    private static bool Is(string name, string field) => string.Equals(name, field, StringComparison.OrdinalIgnoreCase);

    private static string? String(JsonElement value, string where, string name, List<string> problems)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return value.GetString();
            case JsonValueKind.Null:
                return null;
            default:
                problems.Add($"{where}:{name} must be a string, not {Kind(value.ValueKind)}");
                return null;
        }
    }

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string Position(long? zeroBased) =>
        zeroBased is { } value ? (value + 1).ToString(CultureInfo.InvariantCulture) : "?";

    /// <summary>The parser's reason without its trailing "LineNumber: … | BytePositionInLine: …", which the message already gives 1-based.</summary>
    private static string Reason(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd();
    }
}
