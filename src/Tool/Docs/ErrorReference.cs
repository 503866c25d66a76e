using System.Globalization;
using System.Text;

namespace ErrorTelemetry.Tool.Docs;

/// <summary>
/// The error reference in Markdown: one section per code, grouped by owner and then category, each with an anchor
/// named exactly as the code, so a problem-details <c>type</c> of <c>{TypeBaseUri}{CODE}</c> with a base ending in
/// <c>errors.md#</c> lands on it.
/// </summary>
internal static class ErrorReference
{
    public const string NoOwner = "No owner";

    public static string Render(IReadOnlyList<ErrorDefinition> definitions, string title = "Error reference")
    {
        var text = new StringBuilder();
        text.Append("# ").AppendLine(title).AppendLine();
        text.AppendLine("Generated from the error catalog by `errortelemetry docs`; edit the catalog, not this file.").AppendLine();

        var byOwner = definitions
            .GroupBy(d => d.Owner ?? NoOwner, StringComparer.Ordinal)
            .OrderBy(g => g.Key == NoOwner ? 1 : 0)
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToList();

        text.AppendLine("| Code | Title | Owner | Category | Severity | HTTP |").AppendLine("|---|---|---|---|---|---|");
        foreach (var owner in byOwner)
        {
            foreach (var d in Ordered(owner))
            {
                text.Append(CultureInfo.InvariantCulture, $"| [{d.Code}](#{d.Code}) | {Cell(d.Title)} | {Cell(owner.Key)} | {d.CategoryName} | {d.SeverityName} | {d.HttpStatus} |").AppendLine();
            }
        }

        foreach (var owner in byOwner)
        {
            text.AppendLine().Append("## ").AppendLine(owner.Key);
            foreach (var category in owner.GroupBy(d => d.Category).OrderBy(g => g.Key.ToString(), StringComparer.Ordinal))
            {
                text.AppendLine().Append("### ").Append(category.Key.ToString()).AppendLine();
                foreach (var d in category.OrderBy(d => d.Code, StringComparer.Ordinal))
                {
                    Section(text, d);
                }
            }
        }

        return text.ToString();
    }

    private static IEnumerable<ErrorDefinition> Ordered(IEnumerable<ErrorDefinition> definitions) =>
        definitions.OrderBy(d => d.Category.ToString(), StringComparer.Ordinal).ThenBy(d => d.Code, StringComparer.Ordinal);

    private static void Section(StringBuilder text, ErrorDefinition d)
    {
        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"<a id=\"{d.Code}\"></a>").AppendLine();
        text.Append("#### ").AppendLine(d.Code).AppendLine();
        text.AppendLine(Line(d.Title)).AppendLine();
        if (d.Description is { } description)
        {
            text.AppendLine(Line(description)).AppendLine();
        }

        text.AppendLine("| | |").AppendLine("|---|---|");
        Row(text, "Category", d.CategoryName);
        Row(text, "Severity", d.SeverityName);
        Row(text, "HTTP status", d.HttpStatus.ToString(CultureInfo.InvariantCulture));
        Row(text, "Retryable", d.Retryable ? "yes" : "no");
        Row(text, "Owner", d.Owner is null ? "—" : Cell(d.Owner));
        Row(text, "Runbook", d.RunbookUrl is null ? "—" : $"<{d.RunbookUrl.OriginalString}>");
        if (d.Remediation is { } remediation)
        {
            Row(text, "Remediation", Cell(remediation));
        }

        if (d.ReplacedBy is { } replacement)
        {
            Row(text, "Deprecated", $"replaced by [{replacement}](#{replacement})");
        }
    }

    private static void Row(StringBuilder text, string name, string value) =>
        text.Append("| ").Append(name).Append(" | ").Append(value).AppendLine(" |");

    private static string Line(string value) => value.ReplaceLineEndings(" ").Trim();

    private static string Cell(string value) => Line(value).Replace("|", "\\|", StringComparison.Ordinal);
}
