namespace ErrorTelemetry.Tool.Diff;

/// <summary>One difference between two catalogs.</summary>
internal sealed record CatalogChange(string Code, string What, bool IsBreaking);

/// <summary>
/// Compares two catalogs (two versions of one service, or two services). Breaking for clients, dashboards and
/// alerts: a code removed without having been deprecated with <c>ReplacedBy</c>, a changed category, HTTP status,
/// retryable flag or title. Everything else (new codes, owner, runbook, severity, deprecation) is reported as
/// information.
/// </summary>
internal static class CatalogDiff
{
    public static List<CatalogChange> Compare(IReadOnlyList<ErrorDefinition> before, IReadOnlyList<ErrorDefinition> after)
    {
        var old = before.ToDictionary(d => d.Code, StringComparer.Ordinal);
        var now = after.ToDictionary(d => d.Code, StringComparer.Ordinal);
        var changes = new List<CatalogChange>();
        foreach (var (code, was) in old.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!now.TryGetValue(code, out var isNow))
            {
                changes.Add(was.ReplacedBy is { } replacement
                    ? new(code, $"removed; it was deprecated in favour of {replacement}", IsBreaking: false)
                    : new(code, "removed without being deprecated first (ReplacedBy)", IsBreaking: true));
                continue;
            }

            Changed(changes, code, "category", was.CategoryName, isNow.CategoryName, breaking: true);
            Changed(changes, code, "HTTP status", was.HttpStatus.ToString(System.Globalization.CultureInfo.InvariantCulture), isNow.HttpStatus.ToString(System.Globalization.CultureInfo.InvariantCulture), breaking: true);
            Changed(changes, code, "retryable", was.Retryable ? "true" : "false", isNow.Retryable ? "true" : "false", breaking: true);
            Changed(changes, code, "title", was.Title, isNow.Title, breaking: true);
            Changed(changes, code, "severity", was.SeverityName, isNow.SeverityName, breaking: false);
            Changed(changes, code, "owner", was.Owner, isNow.Owner, breaking: false);
            Changed(changes, code, "runbook", was.RunbookUrl?.OriginalString, isNow.RunbookUrl?.OriginalString, breaking: false);
            Changed(changes, code, "replaced by", was.ReplacedBy, isNow.ReplacedBy, breaking: false);
        }

        foreach (var code in now.Keys.Where(c => !old.ContainsKey(c)).Order(StringComparer.Ordinal))
        {
            changes.Add(new(code, "added", IsBreaking: false));
        }

        return changes;
    }

    private static void Changed(List<CatalogChange> changes, string code, string field, string? was, string? isNow, bool breaking)
    {
        if (!string.Equals(was, isNow, StringComparison.Ordinal))
        {
            changes.Add(new(code, $"{field} changed from {Show(was)} to {Show(isNow)}", breaking));
        }
    }

    private static string Show(string? value) => value is null ? "(none)" : $"'{value}'";
}
