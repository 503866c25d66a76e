using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;

namespace ErrorTelemetry.Triage.Internal;

/// <summary>
/// The triage endpoint's HTML view for people: the same snapshot as the JSON, filtered and sorted on the server from
/// the query string (<c>code</c>, <c>route</c>, <c>severity</c>, <c>q</c>, <c>sort=count|last</c>), so it works
/// without JavaScript — the page has none. Every value is HTML-encoded, links are only http(s), and the
/// Content-Security-Policy allows nothing but the page's own stylesheet (by hash) and its own form.
/// </summary>
internal static class TriagePage
{
    public const string SortByCount = "count";
    public const string SortByLastSeen = "last";

    private const int MaxFilterLength = 200;

    private const string Style =
        "body{font-family:system-ui,sans-serif;margin:1rem 2rem;color:#1b1b1b;background:#fff}" +
        "table{border-collapse:collapse;width:100%;font-size:.9rem}" +
        "th,td{border-bottom:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}" +
        "thead th{background:#f0f0f0;position:sticky;top:0}" +
        "td.n{text-align:right;font-variant-numeric:tabular-nums}" +
        "ul{margin:0;padding-left:1rem}" +
        "form{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;margin:1rem 0}" +
        "label{display:flex;flex-direction:column;font-size:.85rem}" +
        "a:focus,button:focus,input:focus,select:focus{outline:3px solid #0b57d0;outline-offset:2px}" +
        ".sev-critical{color:#8b0000;font-weight:bold}.sev-error{color:#a4262c}.sev-warning{color:#7a5b00}" +
        "code{font-family:ui-monospace,monospace}";

    /// <summary>The Content-Security-Policy of the page: no scripts, no images, no frames, only its own stylesheet.</summary>
    public static readonly string ContentSecurityPolicy =
        $"default-src 'none'; style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Style)))}'; " +
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private static readonly string[] Severities = ["info", "warning", "error", "critical"];

    public static string Render(FailureSnapshot snapshot, IQueryCollection query, TraceLinkTemplate? links)
    {
        var filter = Filter.From(query);
        var shown = new List<CodeSnapshot>(snapshot.Codes.Count);
        foreach (var code in snapshot.Codes)
        {
            if (filter.Matches(code))
            {
                shown.Add(code);
            }
        }

        if (filter.Sort == SortByLastSeen)
        {
            // Stable: ties keep the snapshot's order (count in window, then recency, then code).
            shown = [.. shown.OrderByDescending(static c => c.LastSeen)];
        }

        var html = new StringBuilder(4096 + (shown.Count * 1024));
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>Recent failures by code · ErrorTelemetry triage</title>\n")
            .Append("<style>").Append(Style).Append("</style>\n</head>\n<body>\n<header>\n<h1>Recent failures by code</h1>\n<p>");
        Text(html, string.Create(
            CultureInfo.InvariantCulture,
            $"Window {snapshot.Window:c} · generated {snapshot.GeneratedAt:yyyy-MM-dd HH:mm:ss} UTC · {shown.Count} of {snapshot.Codes.Count} codes shown"));
        if (snapshot.EvictedCodes > 0)
        {
            Text(html, string.Create(CultureInfo.InvariantCulture, $" · {snapshot.EvictedCodes} older codes forgotten (limit {snapshot.MaxCodes})"));
        }

        html.Append("</p>\n</header>\n<main>\n");
        WriteForm(html, filter);
        WriteTable(html, shown, filter.Sort, links);
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void WriteForm(StringBuilder html, Filter filter)
    {
        html.Append("<form method=\"get\" role=\"search\" aria-label=\"Filter failures\">\n");
        Input(html, "code", "Code", filter.Code);
        Input(html, "route", "Route", filter.Route);
        html.Append("<label for=\"f-severity\">Severity<select id=\"f-severity\" name=\"severity\"><option value=\"\">any</option>");
        foreach (var severity in Severities)
        {
            Option(html, severity, severity, string.Equals(filter.Severity, severity, StringComparison.OrdinalIgnoreCase));
        }

        html.Append("</select></label>\n");
        Input(html, "q", "Text", filter.Text, "search");
        html.Append("<label for=\"f-sort\">Sort by<select id=\"f-sort\" name=\"sort\">");
        Option(html, SortByCount, "count in window", filter.Sort != SortByLastSeen);
        Option(html, SortByLastSeen, "last seen", filter.Sort == SortByLastSeen);
        html.Append("</select></label>\n<button type=\"submit\">Apply</button>\n<a href=\"?\">Clear filters</a>\n</form>\n");
    }

    private static void WriteTable(StringBuilder html, List<CodeSnapshot> codes, string sort, TraceLinkTemplate? links)
    {
        if (codes.Count == 0)
        {
            html.Append("<p role=\"status\">No failures match.</p>\n");
            return;
        }

        html.Append("<table>\n<caption>Failures by code, ")
            .Append(sort == SortByLastSeen ? "most recently seen first" : "most in the window first")
            .Append("</caption>\n<thead><tr>")
            .Append("<th scope=\"col\">Code</th><th scope=\"col\">Severity</th><th scope=\"col\">In window</th><th scope=\"col\">Total</th>")
            .Append("<th scope=\"col\">First seen</th><th scope=\"col\">Last seen</th><th scope=\"col\">Routes</th><th scope=\"col\">Cause codes</th>")
            .Append("<th scope=\"col\">Owner</th><th scope=\"col\">Runbook and remediation</th><th scope=\"col\">Sample traces</th>")
            .Append("</tr></thead>\n<tbody>\n");
        foreach (var code in codes)
        {
            var d = code.Definition;
            html.Append("<tr><th scope=\"row\"><code>");
            Text(html, d.Code);
            html.Append("</code><br>");
            Text(html, d.Title);
            html.Append("</th><td class=\"sev-");
            Text(html, d.SeverityName);
            html.Append("\">");
            Text(html, d.SeverityName);
            html.Append("</td><td class=\"n\">").Append(code.CountInWindow.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td class=\"n\">").Append(code.TotalCount.ToString(CultureInfo.InvariantCulture)).Append("</td><td>");
            Time(html, code.FirstSeen);
            html.Append("</td><td>");
            Time(html, code.LastSeen);
            html.Append("</td><td>");
            Counts(html, code.Routes);
            html.Append("</td><td>");
            Counts(html, code.CauseCodes);
            html.Append("</td><td>");
            Text(html, d.Owner ?? "—");
            html.Append("</td><td>");
            if (d.RunbookUrl is { IsAbsoluteUri: true } runbook && (runbook.Scheme == Uri.UriSchemeHttps || runbook.Scheme == Uri.UriSchemeHttp))
            {
                html.Append("<a href=\"");
                Text(html, runbook.AbsoluteUri);
                html.Append("\">Runbook</a>");
            }
            else if (d.RunbookUrl is { } other)
            {
                Text(html, other.OriginalString);
            }

            if (d.Remediation is { } remediation)
            {
                html.Append("<p>");
                Text(html, remediation);
                html.Append("</p>");
            }

            html.Append("</td><td>");
            Traces(html, code.Samples, links);
            html.Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }

    private static void Traces(StringBuilder html, IReadOnlyList<SampleSnapshot> samples, TraceLinkTemplate? links)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        html.Append("<ul class=\"traces\">");
        foreach (var sample in samples)
        {
            if (sample.TraceId is not { } traceId || !seen.Add(traceId))
            {
                continue;
            }

            html.Append("<li>");
            if (links is not null)
            {
                html.Append("<a class=\"trace\" href=\"");
                Text(html, links.Format(traceId, sample.SpanId));
                html.Append("\" rel=\"noreferrer\"><code>");
                Text(html, traceId);
                html.Append("</code></a>");
            }
            else
            {
                html.Append("<code>");
                Text(html, traceId);
                html.Append("</code>");
            }

            html.Append("</li>");
        }

        html.Append("</ul>");
    }

    private static void Counts(StringBuilder html, IReadOnlyList<KeyValuePair<string, long>> counts)
    {
        if (counts.Count == 0)
        {
            html.Append('—');
            return;
        }

        html.Append("<ul>");
        foreach (var (key, count) in counts)
        {
            html.Append("<li>");
            Text(html, key.Length == 0 ? "(none)" : key);
            html.Append(" (").Append(count.ToString(CultureInfo.InvariantCulture)).Append(")</li>");
        }

        html.Append("</ul>");
    }

    private static void Time(StringBuilder html, DateTimeOffset at)
    {
        var iso = at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        html.Append("<time datetime=\"").Append(iso).Append("\">").Append(iso).Append("</time>");
    }

    private static void Input(StringBuilder html, string name, string label, string? value, string type = "text")
    {
        html.Append("<label for=\"f-").Append(name).Append("\">").Append(label)
            .Append("<input id=\"f-").Append(name).Append("\" name=\"").Append(name).Append("\" type=\"").Append(type).Append("\" value=\"");
        Text(html, value ?? string.Empty);
        html.Append("\"></label>\n");
    }

    private static void Option(StringBuilder html, string value, string label, bool selected)
    {
        html.Append("<option value=\"").Append(value).Append('"').Append(selected ? " selected" : string.Empty).Append('>').Append(label).Append("</option>");
    }

    private static void Text(StringBuilder html, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            html.Append(HtmlEncoder.Default.Encode(value));
        }
    }

    /// <summary>The query string's filters, each capped in length; matching is ordinal and case-insensitive.</summary>
    private sealed record Filter(string? Code, string? Route, string? Severity, string? Text, string Sort)
    {
        public static Filter From(IQueryCollection query) => new(
            Value(query, "code"),
            Value(query, "route"),
            Value(query, "severity"),
            Value(query, "q"),
            string.Equals(Value(query, "sort"), SortByLastSeen, StringComparison.OrdinalIgnoreCase) ? SortByLastSeen : SortByCount);

        public bool Matches(CodeSnapshot code)
        {
            var d = code.Definition;
            return (Code is null || d.Code.Contains(Code, StringComparison.OrdinalIgnoreCase))
                && (Severity is null || string.Equals(d.SeverityName, Severity, StringComparison.OrdinalIgnoreCase))
                && (Route is null || AnyKey(code.Routes, Route))
                && (Text is null || MatchesText(code, Text));
        }

        private static bool MatchesText(CodeSnapshot code, string text)
        {
            var d = code.Definition;
            return Has(d.Code, text) || Has(d.Title, text) || Has(d.CategoryName, text) || Has(d.Owner, text)
                || Has(d.Remediation, text) || Has(d.Description, text) || AnyKey(code.Routes, text) || AnyKey(code.CauseCodes, text);
        }

        private static bool AnyKey(IReadOnlyList<KeyValuePair<string, long>> counts, string text)
        {
            foreach (var (key, _) in counts)
            {
                if (Has(key, text))
                {
                    return true;
                }
            }

            return false;
        }

        private static bool Has(string? value, string text) => value is not null && value.Contains(text, StringComparison.OrdinalIgnoreCase);

        private static string? Value(IQueryCollection query, string name)
        {
            var value = query[name].ToString().Trim();
            return value.Length == 0 ? null : value.Length > MaxFilterLength ? value[..MaxFilterLength] : value;
        }
    }
}
