using System.Globalization;
using System.Reflection;
using ErrorTelemetry.Classification.Internal;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Catalog.Internal;

/// <summary>
/// Builds the catalog from its layers, in order: the built-in definitions, the definitions registered in code, the
/// JSON catalog file, then the <c>ErrorTelemetry:Catalog</c> configuration section. A later layer may add codes and
/// override every field of an existing code except its category; two different code definitions of one code are a
/// duplicate. Every problem is collected, so one start-up failure lists them all.
/// </summary>
internal static class ErrorCatalogFactory
{
    public const string CatalogSection = "ErrorTelemetry:Catalog";

    public const string CatalogFileKey = "ErrorTelemetry:CatalogFile";

    private static readonly string CategoryNames = string.Join(", ", Enum.GetNames<ErrorCategory>());

    private static readonly string SeverityNames = string.Join(", ", Enum.GetNames<ErrorSeverity>());

    /// <summary>Builds the catalog and reports every problem found.</summary>
    /// <param name="options">The options.</param>
    /// <param name="contentRoot">The directory a relative <see cref="ErrorTelemetryOptions.CatalogFile"/> is resolved against; <see langword="null"/> for the application's base directory.</param>
    /// <param name="errors">Every problem, each naming the entry and the rule it broke; empty when the catalog is valid.</param>
    /// <returns>The catalog, built from the valid entries even when there are errors.</returns>
    public static ErrorCatalog Create(ErrorTelemetryOptions options, string? contentRoot, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        var build = new Build();

        foreach (var definition in BuiltInErrors.All())
        {
            build.Entries[definition.Code] = new Entry(definition, BuiltInName(definition), isBuiltIn: true);
        }

        foreach (var registration in options.Registrations)
        {
            build.AddCodeDefinition(registration.Definition, registration.Source);
        }

        if (!string.IsNullOrWhiteSpace(options.CatalogFile))
        {
            var path = Path.GetFullPath(options.CatalogFile.Trim(), contentRoot ?? AppContext.BaseDirectory);
            foreach (var (code, entry, where) in CatalogFileReader.Read(path, options.CatalogFile.Trim(), build.Problems))
            {
                build.Apply(where, code, entry);
            }
        }

        foreach (var (code, entry) in options.Catalog)
        {
            build.Apply($"{CatalogSection}:{code}", code, entry ?? new ErrorDefinitionOptions());
        }

        build.CheckReplacedBy();
        build.CheckMappingRules(options.MappingRules);

        if (options.MaxFailureSeries < 1)
        {
            build.Problems.Add($"ErrorTelemetry:MaxFailureSeries {options.MaxFailureSeries.ToString(CultureInfo.InvariantCulture)} must be at least 1");
        }

        errors = build.Problems;
        var definitions = new List<ErrorDefinition>(build.Entries.Count);
        foreach (var entry in build.Entries.Values)
        {
            definitions.Add(entry.Definition);
        }

        return new ErrorCatalog(definitions);
    }

    /// <summary>Builds the catalog, or throws when it is invalid.</summary>
    /// <exception cref="OptionsValidationException">The catalog has problems; the exception lists them all.</exception>
    public static ErrorCatalog CreateOrThrow(ErrorTelemetryOptions options, string? contentRoot)
    {
        var catalog = Create(options, contentRoot, out var errors);
        return errors.Count == 0
            ? catalog
            : throw new OptionsValidationException(Options.DefaultName, typeof(ErrorTelemetryOptions), errors);
    }

    internal static bool TryParseCategory(string text, out ErrorCategory category)
    {
        var wanted = text.Trim();
        foreach (var candidate in Enum.GetValues<ErrorCategory>())
        {
            if (string.Equals(candidate.ToString(), wanted, StringComparison.OrdinalIgnoreCase)
                || string.Equals(CategoryDefaults.Name(candidate), wanted, StringComparison.OrdinalIgnoreCase))
            {
                category = candidate;
                return true;
            }
        }

        category = default;
        return false;
    }

    internal static bool TryParseSeverity(string text, out ErrorSeverity severity)
    {
        var wanted = text.Trim();
        foreach (var candidate in Enum.GetValues<ErrorSeverity>())
        {
            if (string.Equals(candidate.ToString(), wanted, StringComparison.OrdinalIgnoreCase))
            {
                severity = candidate;
                return true;
            }
        }

        severity = default;
        return false;
    }

    private static bool IsRunbookUrl(Uri? uri) =>
        uri is not null && uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string BuiltInName(ErrorDefinition definition)
    {
        foreach (var field in typeof(BuiltInErrors).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            if (ReferenceEquals(field.GetValue(null), definition))
            {
                return nameof(BuiltInErrors) + "." + field.Name;
            }
        }

        return nameof(BuiltInErrors) + "." + definition.Code;
    }

    private sealed class Entry(ErrorDefinition definition, string source, bool isBuiltIn = false)
    {
        public ErrorDefinition Definition { get; set; } = definition;

        /// <summary>Where the code was defined; later overrides do not change it.</summary>
        public string Source { get; } = source;

        public bool IsBuiltIn { get; } = isBuiltIn;

        /// <summary>Where the current ReplacedBy came from, so a dangling one is reported against the entry that set it.</summary>
        public string ReplacedBySource { get; set; } = source;
    }

    private sealed class Build
    {
        public Dictionary<string, Entry> Entries { get; } = new(StringComparer.Ordinal);

        public List<string> Problems { get; } = [];

        /// <summary>New codes whose entry was rejected: already reported, so a reference to one is not a second problem.</summary>
        public HashSet<string> Rejected { get; } = new(StringComparer.Ordinal);

        public void AddCodeDefinition(ErrorDefinition definition, string source)
        {
            if (Entries.TryGetValue(definition.Code, out var existing))
            {
                // The same instance reached through two registrations (a class and a Map rule, say) is one definition.
                if (!ReferenceEquals(existing.Definition, definition))
                {
                    Problems.Add(existing.IsBuiltIn
                        ? $"Duplicate error code '{definition.Code}': defined by {existing.Source} and {source}; built-in codes are reserved, so override their fields under {CatalogSection}:{definition.Code} instead"
                        : $"Duplicate error code '{definition.Code}': defined by {existing.Source} and {source}");
                }

                return;
            }

            if (definition.HttpStatus is < 400 or > 599)
            {
                Problems.Add($"{source}:HttpStatus {definition.HttpStatus.ToString(CultureInfo.InvariantCulture)} is not an error status; use 400 to 599");
            }

            if (definition.RunbookUrl is not null && !IsRunbookUrl(definition.RunbookUrl))
            {
                Problems.Add($"{source}:RunbookUrl '{definition.RunbookUrl.OriginalString}' is not an absolute http or https URL");
            }

            Entries[definition.Code] = new Entry(definition, source);
        }

        public void Apply(string where, string code, ErrorDefinitionOptions entry)
        {
            var codeProblem = ErrorCodeRule.Check(code);
            if (codeProblem is not null)
            {
                Problems.Add($"{where}: invalid code: {codeProblem}");
                return;
            }

            var before = Problems.Count;
            Entries.TryGetValue(code, out var existing);

            ErrorCategory? category = null;
            if (Text(entry.Category) is { } categoryText)
            {
                if (TryParseCategory(categoryText, out var parsed))
                {
                    category = parsed;
                }
                else
                {
                    Problems.Add($"{where}:Category '{categoryText}' is not a category; use one of {CategoryNames}");
                }
            }
            else if (existing is null)
            {
                Problems.Add($"{where}:Category is required for a new code; use one of {CategoryNames}");
            }

            ErrorSeverity? severity = null;
            if (Text(entry.Severity) is { } severityText)
            {
                if (TryParseSeverity(severityText, out var parsed))
                {
                    severity = parsed;
                }
                else
                {
                    Problems.Add($"{where}:Severity '{severityText}' is not a severity; use one of {SeverityNames}");
                }
            }

            var title = Text(entry.Title);
            if (title is null && existing is null)
            {
                Problems.Add($"{where}:Title is required for a new code");
            }

            if (entry.HttpStatus is { } status and (< 400 or > 599))
            {
                Problems.Add($"{where}:HttpStatus {status.ToString(CultureInfo.InvariantCulture)} is not an error status; use 400 to 599");
            }

            Uri? runbook = null;
            if (Text(entry.RunbookUrl) is { } runbookText
                && !(Uri.TryCreate(runbookText, UriKind.Absolute, out runbook) && IsRunbookUrl(runbook)))
            {
                Problems.Add($"{where}:RunbookUrl '{runbookText}' is not an absolute http or https URL");
            }

            if (existing is not null && category is { } wanted && wanted != existing.Definition.Category)
            {
                Problems.Add($"{where}:Category '{Text(entry.Category)}' conflicts with {existing.Source}, which defines {code} as {existing.Definition.Category}; configuration cannot change the category of a code");
            }

            if (Problems.Count > before)
            {
                if (existing is null)
                {
                    Rejected.Add(code);
                }

                return;
            }

            var replacedBy = Text(entry.ReplacedBy);
            if (existing is null)
            {
                var categoryValue = category!.Value;
                Entries[code] = new Entry(
                    new ErrorDefinition(code, categoryValue, title!)
                    {
                        Description = Text(entry.Description),
                        Severity = severity ?? CategoryDefaults.Severity(categoryValue),
                        HttpStatus = entry.HttpStatus ?? CategoryDefaults.HttpStatus(categoryValue),
                        Retryable = entry.Retryable ?? false,
                        Owner = Text(entry.Owner),
                        RunbookUrl = runbook,
                        Remediation = Text(entry.Remediation),
                        ReplacedBy = replacedBy,
                    },
                    where);
                return;
            }

            var current = existing.Definition;
            existing.Definition = new ErrorDefinition(code, current.Category, title ?? current.Title)
            {
                Description = Text(entry.Description) ?? current.Description,
                Severity = severity ?? current.Severity,
                HttpStatus = entry.HttpStatus ?? current.HttpStatus,
                Retryable = entry.Retryable ?? current.Retryable,
                Owner = Text(entry.Owner) ?? current.Owner,
                RunbookUrl = runbook ?? current.RunbookUrl,
                Remediation = Text(entry.Remediation) ?? current.Remediation,
                ReplacedBy = replacedBy ?? current.ReplacedBy,
            };
            if (replacedBy is not null)
            {
                existing.ReplacedBySource = where;
            }
        }

        public void CheckReplacedBy()
        {
            HashSet<string>? reportedCycles = null;
            List<string>? path = null;
            foreach (var (code, entry) in Entries)
            {
                var next = entry.Definition.ReplacedBy;
                if (next is null)
                {
                    continue;
                }

                if (!Entries.ContainsKey(next))
                {
                    if (Rejected.Contains(next))
                    {
                        continue;
                    }

                    Problems.Add($"{entry.ReplacedBySource}:ReplacedBy '{next}' is not in the catalog");
                    continue;
                }

                path ??= [];
                path.Clear();
                path.Add(code);
                var current = next;
                while (current is not null && Entries.TryGetValue(current, out var step))
                {
                    var seenAt = path.IndexOf(current);
                    if (seenAt >= 0)
                    {
                        var cycle = path.GetRange(seenAt, path.Count - seenAt);
                        ReportCycle(cycle, reportedCycles ??= new HashSet<string>(StringComparer.Ordinal));
                        break;
                    }

                    path.Add(current);
                    current = step.Definition.ReplacedBy;
                }
            }
        }

        public void CheckMappingRules(List<MappingRule> rules)
        {
            foreach (var rule in rules)
            {
                if (rule.Definition is not null)
                {
                    // Registered with the rule; a clash with another definition is already reported as a duplicate.
                    continue;
                }

                var codeProblem = ErrorCodeRule.Check(rule.Code);
                if (codeProblem is not null)
                {
                    Problems.Add($"{rule.Name}: invalid code: {codeProblem}");
                }
                else if (!Entries.ContainsKey(rule.Code) && !Rejected.Contains(rule.Code))
                {
                    Problems.Add($"{rule.Name}: the code '{rule.Code}' is not in the catalog; define it in code (AddDefinition) or under {CatalogSection}");
                }
            }
        }

        private void ReportCycle(List<string> cycle, HashSet<string> reported)
        {
            // Start the cycle at its smallest code so that each cycle is reported once, whichever member found it.
            var start = 0;
            for (var i = 1; i < cycle.Count; i++)
            {
                if (string.CompareOrdinal(cycle[i], cycle[start]) < 0)
                {
                    start = i;
                }
            }

            var ordered = new List<string>(cycle.Count + 1);
            for (var i = 0; i < cycle.Count; i++)
            {
                ordered.Add(cycle[(start + i) % cycle.Count]);
            }

            ordered.Add(ordered[0]);
            var text = string.Join(" -> ", ordered);
            if (reported.Add(text))
            {
                var first = Entries[ordered[0]];
                Problems.Add($"{first.ReplacedBySource}:ReplacedBy '{first.Definition.ReplacedBy}' forms a cycle: {text}; a replaced-by chain must end at a code that is not deprecated");
            }
        }
    }
}
