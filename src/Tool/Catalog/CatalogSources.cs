using System.Net.Http.Json;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using ErrorTelemetry.Catalog.Internal;
using ErrorTelemetry.Configuration.Internal;
using Microsoft.Extensions.Configuration;

namespace ErrorTelemetry.Tool.Catalog;

/// <summary>
/// Reads a catalog the way a host builds it, with the library's own factory: the built-in definitions, the
/// definitions declared in the given assemblies, the JSON catalog file, then the <c>ErrorTelemetry</c> section of
/// the given configuration files. Problems are the host's own start-up messages.
/// </summary>
internal static class CatalogSources
{
    /// <summary>Builds one catalog from its layers.</summary>
    /// <exception cref="CatalogException">The catalog is invalid; the message lists every problem, one a line.</exception>
    public static IReadOnlyList<ErrorDefinition> Build(IReadOnlyList<string> assemblies, string? catalogFile, IReadOnlyList<string> configFiles)
    {
        var options = new ErrorTelemetryOptions();
        foreach (var path in assemblies)
        {
            foreach (var type in DefinitionTypes(Load(path)))
            {
                options.AddDefinitions(type);
            }
        }

        string? contentRoot = null;
        if (configFiles.Count > 0)
        {
            var builder = new ConfigurationBuilder();
            foreach (var file in configFiles)
            {
                builder.AddJsonFile(Path.GetFullPath(file), optional: false);
            }

            // A relative CatalogFile in appsettings.json is relative to the host's content root: the config's folder.
            contentRoot = Path.GetDirectoryName(Path.GetFullPath(configFiles[0]));
            ErrorTelemetryConfiguration.Bind(builder.Build().GetSection(ErrorTelemetryConfiguration.SectionName), options);
        }

        if (catalogFile is not null)
        {
            options.CatalogFile = Path.GetFullPath(catalogFile);
        }

        var catalog = ErrorCatalogFactory.Create(options, contentRoot ?? Directory.GetCurrentDirectory(), out var errors);
        return errors.Count > 0
            ? throw new CatalogException("The catalog is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors))
            : Sorted(catalog.Definitions);
    }

    /// <summary>The redaction options a host with these configuration files runs with.</summary>
    public static RedactionOptions Redaction(IReadOnlyList<string> configFiles)
    {
        var options = new RedactionOptions();
        if (configFiles.Count > 0)
        {
            var builder = new ConfigurationBuilder();
            foreach (var file in configFiles)
            {
                builder.AddJsonFile(Path.GetFullPath(file), optional: false);
            }

            builder.Build().GetSection(RedactionOptions.SectionName).Bind(options);
        }

        return options;
    }

    /// <summary>
    /// Reads one catalog named by a single source: an assembly (<c>.dll</c>), a JSON catalog file, an
    /// <c>appsettings.json</c> (a file with an <c>ErrorTelemetry</c> section), or the URL of a running service's
    /// catalog endpoint (<c>/_errortelemetry/failures/catalog</c>).
    /// </summary>
    public static async Task<IReadOnlyList<ErrorDefinition>> ReadAsync(string source, HttpClient http, CancellationToken cancellationToken)
    {
        if (Uri.TryCreate(source, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            using var document = await http.GetFromJsonAsync<JsonDocument>(uri, cancellationToken).ConfigureAwait(false)
                ?? throw new CatalogException($"{source}: the endpoint answered no JSON");
            return FromEndpoint(document.RootElement, source);
        }

        if (source.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            return Build([source], null, []);
        }

        if (!File.Exists(source))
        {
            throw new CatalogException($"{source}: no such file");
        }

        return IsConfiguration(source) ? Build([], null, [source]) : Build([], source, []);
    }

    private static bool IsConfiguration(string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(ErrorTelemetryConfiguration.SectionName, out _);
        }
        catch (JsonException)
        {
            // Let the catalog reader report the broken file with its position.
            return false;
        }
    }

    /// <summary>Definitions as a service's catalog endpoint lists them.</summary>
    private static List<ErrorDefinition> FromEndpoint(JsonElement root, string source)
    {
        if (!root.TryGetProperty("definitions", out var definitions) || definitions.ValueKind != JsonValueKind.Array)
        {
            throw new CatalogException($"{source}: not a catalog endpoint answer (no 'definitions' array)");
        }

        var result = new List<ErrorDefinition>();
        foreach (var d in definitions.EnumerateArray())
        {
            var code = Text(d, "code") ?? throw new CatalogException($"{source}: a definition has no code");
            if (!ErrorCatalogFactory.TryParseCategory(Text(d, "category") ?? string.Empty, out var category))
            {
                throw new CatalogException($"{source}: {code} has an unknown category '{Text(d, "category")}'");
            }

            var severity = ErrorCatalogFactory.TryParseSeverity(Text(d, "severity") ?? string.Empty, out var s) ? s : (ErrorSeverity?)null;
            var runbook = Text(d, "runbook");
            var definition = new ErrorDefinition(code, category, Text(d, "title") ?? code)
            {
                Description = Text(d, "description"),
                HttpStatus = d.TryGetProperty("httpStatus", out var status) && status.TryGetInt32(out var st) ? st : CategoryDefaults.HttpStatus(category),
                Retryable = d.TryGetProperty("retryable", out var retryable) && retryable.ValueKind == JsonValueKind.True,
                Owner = Text(d, "owner"),
                RunbookUrl = runbook is null ? null : new Uri(runbook, UriKind.RelativeOrAbsolute),
                Remediation = Text(d, "remediation"),
                ReplacedBy = Text(d, "replacedBy"),
            };
            result.Add(severity is { } value ? Copy(definition, value) : definition);
        }

        return Sorted(result);
    }

    private static ErrorDefinition Copy(ErrorDefinition d, ErrorSeverity severity) => new(d.Code, d.Category, d.Title)
    {
        Description = d.Description,
        Severity = severity,
        HttpStatus = d.HttpStatus,
        Retryable = d.Retryable,
        Owner = d.Owner,
        RunbookUrl = d.RunbookUrl,
        Remediation = d.Remediation,
        ReplacedBy = d.ReplacedBy,
    };

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static List<ErrorDefinition> Sorted(IEnumerable<ErrorDefinition> definitions)
    {
        var list = new List<ErrorDefinition>(definitions);
        list.Sort(static (a, b) => string.CompareOrdinal(a.Code, b.Code));
        return list;
    }

    private static Assembly Load(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new CatalogException($"{path}: no such assembly");
        }

        // The assembly's own dependencies sit beside it; ErrorTelemetry.Processors resolves to the tool's copy.
        var folder = Path.GetDirectoryName(full)!;
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            var candidate = Path.Combine(folder, name.Name + ".dll");
            return File.Exists(candidate) ? context.LoadFromAssemblyPath(candidate) : null;
        };
        return AssemblyLoadContext.Default.LoadFromAssemblyPath(full);
    }

    /// <summary>The types that declare definitions: static fields of type <see cref="ErrorDefinition"/>.</summary>
    private static IEnumerable<Type> DefinitionTypes(Assembly assembly)
    {
        Type?[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            // Types that need a framework the tool does not load (ASP.NET Core, say) are skipped; definitions do not.
            types = e.Types;
        }

        foreach (var type in types)
        {
            if (type is not null && DeclaresDefinitions(type))
            {
                yield return type;
            }
        }
    }

    private static bool DeclaresDefinitions(Type type)
    {
        try
        {
            return Array.Exists(type.GetFields(BindingFlags.Public | BindingFlags.Static), static f => f.FieldType == typeof(ErrorDefinition));
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or TypeLoadException)
        {
            // A type whose fields need a framework the tool does not load (ASP.NET Core, say) declares no definitions.
            return false;
        }
    }
}

/// <summary>A catalog could not be read or is invalid; the message says why, for the command line.</summary>
internal sealed class CatalogException(string message) : Exception(message);
