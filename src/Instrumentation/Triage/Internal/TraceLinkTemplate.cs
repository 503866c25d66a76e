using System.Text.RegularExpressions;

namespace ErrorTelemetry.Triage.Internal;

/// <summary>
/// The trace viewer's URL template (<see cref="ErrorTelemetryTriageOptions.TraceLinkTemplate"/>): checked once at
/// start, then filled with a sample's trace and span ids. Only <c>{traceId}</c> and <c>{spanId}</c> are
/// placeholders; other braces (Grafana's JSON query in the URL) are left as they are.
/// </summary>
internal sealed partial class TraceLinkTemplate
{
    public const string TraceIdToken = "{traceId}";
    public const string SpanIdToken = "{spanId}";

    private const string Key = ErrorTelemetryTriageOptions.SectionName + ":TraceLinkTemplate";
    private const string SampleTraceId = "0af7651916cd43dd8448eb211c80319c";
    private const string SampleSpanId = "b7ad6b7169203331";

    private readonly string _template;

    private TraceLinkTemplate(string template) => _template = template;

    /// <summary>The template of <paramref name="options"/>, or <see langword="null"/> when none is configured (or it is invalid; the validator stops the host then).</summary>
    public static TraceLinkTemplate? From(ErrorTelemetryTriageOptions options) =>
        options.TraceLinkTemplate is { } template && Check(template) is null ? new TraceLinkTemplate(template) : null;

    /// <summary>Returns what is wrong with <paramref name="template"/> in one sentence that names the key and the fix, or <see langword="null"/>.</summary>
    public static string? Check(string template)
    {
        if (string.IsNullOrWhiteSpace(template))
        {
            return $"{Key} is blank. Set it to your trace viewer's URL with {TraceIdToken} where the trace id goes (e.g. https://jaeger.example.com/trace/{TraceIdToken}), or remove it.";
        }

        if (!template.Contains(TraceIdToken, StringComparison.Ordinal))
        {
            return $"{Key} is '{template}' and has no {TraceIdToken} placeholder. Put {TraceIdToken} where the trace id goes (e.g. https://jaeger.example.com/trace/{TraceIdToken}).";
        }

        foreach (Match match in Placeholder().Matches(template))
        {
            if (match.Value is not (TraceIdToken or SpanIdToken))
            {
                return $"{Key} is '{template}' and has the unknown placeholder {match.Value}. The placeholders are {TraceIdToken} and {SpanIdToken} (spelt with that case).";
            }
        }

        var sample = Fill(template, SampleTraceId, SampleSpanId);
        if (!Uri.TryCreate(sample, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return $"{Key} is '{template}' and is not an absolute http or https URL. Write the viewer's full address, e.g. https://jaeger.example.com/trace/{TraceIdToken}.";
        }

        return null;
    }

    /// <summary>The link to one trace; a missing span id leaves the span placeholder empty.</summary>
    public string Format(string traceId, string? spanId) => Fill(_template, traceId, spanId ?? string.Empty);

    private static string Fill(string template, string traceId, string spanId) =>
        template.Replace(TraceIdToken, traceId, StringComparison.Ordinal).Replace(SpanIdToken, spanId, StringComparison.Ordinal);

    // A placeholder is an identifier in braces; "{"datasource":…}" in a Grafana URL is not one.
    [GeneratedRegex(@"\{[A-Za-z_][A-Za-z0-9_]*\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}

/// <summary>The configured trace-viewer template, read once from the validated options.</summary>
internal sealed record TriageLinks(TraceLinkTemplate? Template);
