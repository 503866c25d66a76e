using System.Text.Json;

namespace ErrorTelemetry.Triage.Internal;

/// <summary>
/// Writes the triage and catalog documents with <see cref="Utf8JsonWriter"/>: no reflection, and every string is
/// escaped by the writer. No redaction is needed: the documents hold only catalog text (written by the service's
/// authors), codes, ids (trace, span, correlation, fingerprint), route templates, timestamps and trace-viewer links
/// built from the configured template — never exception messages, stack traces, request data or log text.
/// </summary>
internal static class TriageJson
{
    public static void WriteFailures(Utf8JsonWriter writer, FailureSnapshot snapshot, TraceLinkTemplate? links)
    {
        writer.WriteStartObject();
        writer.WriteString("window", snapshot.Window.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        writer.WriteNumber("windowSeconds", (long)snapshot.Window.TotalSeconds);
        writer.WriteString("generatedAt", snapshot.GeneratedAt);
        writer.WriteNumber("maxCodes", snapshot.MaxCodes);
        writer.WriteNumber("evictedCodes", snapshot.EvictedCodes);
        writer.WriteStartArray("codes");
        foreach (var code in snapshot.Codes)
        {
            WriteCode(writer, code, links);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static void WriteCatalog(Utf8JsonWriter writer, ErrorCatalog catalog)
    {
        var definitions = new List<ErrorDefinition>(catalog.Definitions);
        definitions.Sort(static (a, b) => string.CompareOrdinal(a.Code, b.Code));
        writer.WriteStartObject();
        writer.WriteNumber("count", definitions.Count);
        writer.WriteStartArray("definitions");
        foreach (var d in definitions)
        {
            writer.WriteStartObject();
            WriteDefinition(writer, d);
            writer.WriteString("description", d.Description);
            writer.WriteString("replacedBy", d.ReplacedBy);
            writer.WriteBoolean("deprecated", d.IsDeprecated);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteCode(Utf8JsonWriter writer, CodeSnapshot code, TraceLinkTemplate? links)
    {
        writer.WriteStartObject();
        WriteDefinition(writer, code.Definition);
        writer.WriteNumber("countInWindow", code.CountInWindow);
        writer.WriteNumber("totalCount", code.TotalCount);
        writer.WriteString("firstSeen", code.FirstSeen);
        writer.WriteString("lastSeen", code.LastSeen);

        writer.WriteStartArray("sampleTraceIds");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sample in code.Samples)
        {
            if (sample.TraceId is not null && seen.Add(sample.TraceId))
            {
                writer.WriteStringValue(sample.TraceId);
            }
        }

        writer.WriteEndArray();
        if (links is not null)
        {
            // Same order as sampleTraceIds (newest first), each linking to the newest sample of its trace.
            writer.WriteStartArray("sampleTraceLinks");
            seen.Clear();
            foreach (var sample in code.Samples)
            {
                if (sample.TraceId is not null && seen.Add(sample.TraceId))
                {
                    writer.WriteStringValue(links.Format(sample.TraceId, sample.SpanId));
                }
            }

            writer.WriteEndArray();
        }

        writer.WriteStartArray("sampleCorrelationIds");
        seen.Clear();
        foreach (var sample in code.Samples)
        {
            if (sample.CorrelationId is not null && seen.Add(sample.CorrelationId))
            {
                writer.WriteStringValue(sample.CorrelationId);
            }
        }

        writer.WriteEndArray();
        WriteCounts(writer, "routes", code.Routes);
        WriteCounts(writer, "causeCodes", code.CauseCodes);

        writer.WriteStartArray("samples");
        foreach (var sample in code.Samples)
        {
            writer.WriteStartObject();
            writer.WriteString("at", sample.At);
            writer.WriteString("traceId", sample.TraceId);
            writer.WriteString("spanId", sample.SpanId);
            if (links is not null && sample.TraceId is not null)
            {
                writer.WriteString("traceLink", links.Format(sample.TraceId, sample.SpanId));
            }

            writer.WriteString("correlationId", sample.CorrelationId);
            writer.WriteString("operation", sample.Operation);
            writer.WriteString("fingerprint", sample.Fingerprint);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteDefinition(Utf8JsonWriter writer, ErrorDefinition d)
    {
        writer.WriteString("code", d.Code);
        writer.WriteString("title", d.Title);
        writer.WriteString("category", d.CategoryName);
        writer.WriteString("severity", d.SeverityName);
        writer.WriteNumber("httpStatus", d.HttpStatus);
        writer.WriteBoolean("retryable", d.Retryable);
        writer.WriteString("owner", d.Owner);
        writer.WriteString("runbook", d.RunbookUrl is null ? null : d.RunbookUrl.IsAbsoluteUri ? d.RunbookUrl.AbsoluteUri : d.RunbookUrl.OriginalString);
        writer.WriteString("remediation", d.Remediation);
    }

    private static void WriteCounts(Utf8JsonWriter writer, string name, IReadOnlyList<KeyValuePair<string, long>> counts)
    {
        writer.WriteStartObject(name);
        foreach (var (key, count) in counts)
        {
            writer.WriteNumber(key, count);
        }

        writer.WriteEndObject();
    }
}
