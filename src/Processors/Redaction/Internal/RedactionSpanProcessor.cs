using System.Diagnostics;
using OpenTelemetry;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Redacts every span as it ends, after correlation and failure enrichment and before any processor or exporter the
/// application added: tags, event and link tags, status description and name (<see cref="ActivityRedaction"/>).
/// </summary>
/// <remarks>Never throws: a span that cannot be redacted is dropped from export (fail closed).</remarks>
internal sealed class RedactionSpanProcessor : BaseProcessor<Activity>
{
    private readonly Redactor _redactor;

    public RedactionSpanProcessor(Redactor redactor)
    {
        _redactor = redactor;
    }

    /// <summary>Gets the redactor this processor applies.</summary>
    public Redactor Redactor => _redactor;

    public override void OnEnd(Activity data) => ActivityRedaction.Redact(data, _redactor);

    /// <summary>
    /// Redacts <paramref name="data"/>; with <paramref name="tagsKept"/>, without walking its tags, with
    /// <paramref name="recorded"/>, without reading what was recorded on it again, and with
    /// <paramref name="cleanName"/>, without scanning a name that is that very string
    /// (<see cref="ActivityRedaction.Redact(Activity, Redactor, bool, Failures.Internal.SpanFailure?, string?)"/>).
    /// </summary>
    internal void OnEnd(Activity data, bool tagsKept, Failures.Internal.SpanFailure? recorded, string? cleanName = null) =>
        ActivityRedaction.Redact(data, _redactor, tagsKept, recorded, cleanName);
}
