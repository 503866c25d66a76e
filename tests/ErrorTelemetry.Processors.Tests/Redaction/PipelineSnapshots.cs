using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using ErrorTelemetry.Redaction.Internal;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace ErrorTelemetry.Tests.Redaction;

/// <summary>Everything an exporter can read from a span, copied at export time.</summary>
internal sealed record SpanSnapshot(string Name, string TraceId, IReadOnlyList<KeyValuePair<string, string?>> Tags, string Text)
{
    public static SpanSnapshot From(Activity activity)
    {
        var text = new StringBuilder();
        text.Append("name=").AppendLine(activity.DisplayName);
        text.Append("status=").Append(activity.Status).Append(' ').AppendLine(activity.StatusDescription);
        var tags = new List<KeyValuePair<string, string?>>();
        foreach (var tag in activity.TagObjects)
        {
            tags.Add(new(tag.Key, Render(tag.Value)));
            text.Append("tag ").Append(tag.Key).Append('=').AppendLine(Render(tag.Value));
        }

        foreach (var activityEvent in activity.Events)
        {
            text.Append("event ").AppendLine(activityEvent.Name);
            foreach (var tag in activityEvent.Tags)
            {
                text.Append("  ").Append(tag.Key).Append('=').AppendLine(Render(tag.Value));
            }
        }

        foreach (var link in activity.Links)
        {
            text.Append("link ").AppendLine(link.Context.TraceId.ToString());
            foreach (var tag in link.Tags ?? [])
            {
                text.Append("  ").Append(tag.Key).Append('=').AppendLine(Render(tag.Value));
            }
        }

        return new SpanSnapshot(activity.DisplayName, activity.TraceId.ToString(), tags, text.ToString());
    }

    internal static string? Render(object? value) => value switch
    {
        null => null,
        string text => text,
        IEnumerable items => string.Join(",", items.Cast<object?>().Select(Render)),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}

/// <summary>Everything an exporter can read from a (pooled) log record, copied at export time.</summary>
internal sealed record LogSnapshot(
    string? Body,
    string? FormattedMessage,
    IReadOnlyList<KeyValuePair<string, string?>> Attributes,
    IReadOnlyList<KeyValuePair<string, string?>> Scopes,
    bool HasException,
    string Text)
{
    public string? Attribute(string key) => Attributes.FirstOrDefault(a => a.Key == key).Value;

    public static LogSnapshot From(LogRecord record)
    {
        var text = new StringBuilder();
        text.Append("body=").AppendLine(record.Body);
        text.Append("message=").AppendLine(record.FormattedMessage);
        var attributes = new List<KeyValuePair<string, string?>>();
        foreach (var attribute in record.Attributes ?? [])
        {
            attributes.Add(new(attribute.Key, SpanSnapshot.Render(attribute.Value)));
            text.Append("attribute ").Append(attribute.Key).Append('=').AppendLine(SpanSnapshot.Render(attribute.Value));
        }

        var scopes = new List<KeyValuePair<string, string?>>();
        record.ForEachScope(
            static (scope, state) =>
            {
                foreach (var item in scope)
                {
                    state.Add(new(item.Key, SpanSnapshot.Render(item.Value)));
                }
            },
            scopes);
        foreach (var scope in scopes)
        {
            text.Append("scope ").Append(scope.Key).Append('=').AppendLine(scope.Value);
        }

        text.Append("exception=").AppendLine(record.Exception?.ToString());
        text.Append("exception.message=").AppendLine(record.Exception?.Message);
#pragma warning disable CS0618 // State is obsolete but still reachable by an exporter.
        text.Append("state=").AppendLine(record.State?.ToString());
#pragma warning restore CS0618
        return new LogSnapshot(record.Body, record.FormattedMessage, attributes, scopes, record.Exception is not null, text.ToString());
    }
}

internal sealed class RedactingActivityProcessor(Redactor redactor) : BaseProcessor<Activity>
{
    public long LastAllocatedBytes { get; private set; } = -1;

    public override void OnEnd(Activity data)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        ActivityRedaction.Redact(data, redactor);
        LastAllocatedBytes = GC.GetAllocatedBytesForCurrentThread() - before;
    }
}

internal sealed class RedactingLogProcessor(Redactor redactor) : BaseProcessor<LogRecord>
{
    public List<long> AllocatedBytes { get; } = [];

    public override void OnEnd(LogRecord data)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        LogRecordRedaction.Redact(data, redactor);
        AllocatedBytes.Add(GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
