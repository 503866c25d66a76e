using System.Diagnostics;
using System.Reflection;
using ErrorTelemetry.Diagnostics;
using ErrorTelemetry.Failures.Internal;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Redacts an <see cref="Activity"/> in place, from a span processor's <c>OnEnd</c>, before the export processor
/// runs: tags, event names and tags, link tags, the status description and the display name. Never throws: when
/// redaction fails the span is marked not recorded, so export processors skip it (fail closed).
/// </summary>
/// <remarks>
/// Event and link tags are stored read-only by <see cref="Activity"/>; when one needs redaction the activity's
/// events (or links) are cleared through its private field and added again with redacted tags. Baggage is not
/// exported by the OpenTelemetry exporters (tags copied from baggage are tags and are redacted); the trace state
/// and resource attributes are not touched. A span without anything to redact is not modified and nothing is
/// allocated.
/// </remarks>
internal static class ActivityRedaction
{
    private static readonly FieldInfo? EventsField =
        typeof(Activity).GetField("_events", BindingFlags.Instance | BindingFlags.NonPublic);

    private static readonly FieldInfo? LinksField =
        typeof(Activity).GetField("_links", BindingFlags.Instance | BindingFlags.NonPublic);

    public static void Redact(Activity activity, Redactor redactor) => Redact(activity, redactor, tagsKept: false, recorded: null);

    /// <summary>
    /// Redacts <paramref name="activity"/>; with <paramref name="tagsKept"/>, the caller has just found every tag kept
    /// as the redactor remembers it (<see cref="Redactor.KeepsAsRemembered"/>), and the tags are not walked again.
    /// </summary>
    /// <param name="activity">The span.</param>
    /// <param name="redactor">The redactor.</param>
    /// <param name="tagsKept">Whether the caller found that every tag is kept as it is.</param>
    /// <param name="recorded">What was recorded on the span (<see cref="SpanFailure.Of"/>), if the caller has just read it; else read here.</param>
    /// <param name="cleanName">A name this redactor is known to leave as it is (remembered clean); a display name that is this very string is not scanned again.</param>
    public static void Redact(Activity activity, Redactor redactor, bool tagsKept, SpanFailure? recorded, string? cleanName = null)
    {
        if (activity is null || redactor is null)
        {
            return;
        }

        try
        {
            if (!tagsKept)
            {
                RedactTags(activity, redactor);
            }

            // Most spans have neither events nor links: asked here, the two walks (and their large frames) are skipped.
            if (activity.EnumerateEvents().MoveNext())
            {
                RedactEvents(activity, redactor, recorded);
            }

            if (activity.EnumerateLinks().MoveNext())
            {
                RedactLinks(activity, redactor);
            }

            var description = activity.StatusDescription;
            if (description is not null)
            {
                var redacted = redactor.Redact(description);
                if (!ReferenceEquals(redacted, description))
                {
                    activity.SetStatus(activity.Status, redacted);
                }
            }

            var displayName = activity.DisplayName;
            if (!ReferenceEquals(displayName, cleanName))
            {
                var redactedName = redactor.Redact(displayName);
                if (!ReferenceEquals(redactedName, displayName))
                {
                    activity.DisplayName = redactedName;
                }
            }
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.RedactionFailed("span", ex);
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }

    // One pass: each value is redacted once; the tag list is copied only from the first value that changes.
    private static void RedactTags(Activity activity, Redactor redactor)
    {
        List<KeyValuePair<string, object?>>? rebuilt = null;
        var index = 0;
        foreach (ref readonly var tag in activity.EnumerateTagObjects())
        {
            var value = redactor.RedactAttribute(tag.Key, tag.Value, out var drop);
            if (rebuilt is null)
            {
                if (!drop && ReferenceEquals(value, tag.Value))
                {
                    index++;
                    continue;
                }

                rebuilt = CopyTags(activity, index);
            }

            rebuilt.Add(new(tag.Key, drop ? null : value));
        }

        if (rebuilt is null)
        {
            return;
        }

        // Rebuild the whole tag list: SetTag only reaches the first of duplicate keys added with AddTag.
        foreach (var tag in rebuilt)
        {
            activity.SetTag(tag.Key, null);
        }

        foreach (var tag in rebuilt)
        {
            if (tag.Value is not null)
            {
                activity.AddTag(tag.Key, tag.Value);
            }
        }
    }

    private static List<KeyValuePair<string, object?>> CopyTags(Activity activity, int count)
    {
        var copy = new List<KeyValuePair<string, object?>>(count + 4);
        foreach (ref readonly var tag in activity.EnumerateTagObjects())
        {
            if (copy.Count == count)
            {
                break;
            }

            copy.Add(tag);
        }

        return copy;
    }

    private static void RedactEvents(Activity activity, Redactor redactor, SpanFailure? recorded)
    {
        RenderedException? exceptionText = null;
        List<ActivityEvent>? rebuilt = null;
        var index = 0;
        foreach (ref readonly var activityEvent in activity.EnumerateEvents())
        {
            // The exception event's text was redacted by this redactor when it was recorded (rendered once per
            // exception): not again. Text another pipeline recorded, raw or redacted by another redactor, is scanned.
            if (index == 0 && rebuilt is null && (recorded ?? SpanFailure.Of(activity)) is { Exception: { } exception } record)
            {
                exceptionText = record.ExceptionFacts is { } facts ? ExceptionText.RedactedOrNull(facts, redactor) : ExceptionText.RedactedOrNull(exception, redactor);
            }

            var name = redactor.Redact(activityEvent.Name);
            var tags = RedactedTags(redactor, activityEvent.EnumerateTagObjects(), exceptionText);
            if (rebuilt is null)
            {
                if (tags is null && ReferenceEquals(name, activityEvent.Name))
                {
                    index++;
                    continue;
                }

                rebuilt = new List<ActivityEvent>(index + 1);
                foreach (ref readonly var earlier in activity.EnumerateEvents())
                {
                    if (rebuilt.Count == index)
                    {
                        break;
                    }

                    rebuilt.Add(earlier);
                }
            }

            rebuilt.Add(tags is null && ReferenceEquals(name, activityEvent.Name)
                ? activityEvent
                : new ActivityEvent(name, activityEvent.Timestamp, tags ?? Copy(activityEvent.EnumerateTagObjects())));
        }

        if (rebuilt is null)
        {
            return;
        }

        Clear(EventsField, activity, "events");
        foreach (var activityEvent in rebuilt)
        {
            activity.AddEvent(activityEvent);
        }
    }

    private static void RedactLinks(Activity activity, Redactor redactor)
    {
        List<ActivityLink>? rebuilt = null;
        var index = 0;
        foreach (ref readonly var link in activity.EnumerateLinks())
        {
            var tags = RedactedTags(redactor, link.EnumerateTagObjects(), exceptionText: null);
            if (rebuilt is null)
            {
                if (tags is null)
                {
                    index++;
                    continue;
                }

                rebuilt = new List<ActivityLink>(index + 1);
                foreach (ref readonly var earlier in activity.EnumerateLinks())
                {
                    if (rebuilt.Count == index)
                    {
                        break;
                    }

                    rebuilt.Add(earlier);
                }
            }

            rebuilt.Add(tags is null ? link : new ActivityLink(link.Context, tags));
        }

        if (rebuilt is null)
        {
            return;
        }

        Clear(LinksField, activity, "links");
        foreach (var link in rebuilt)
        {
            activity.AddLink(link);
        }
    }

    private static void Clear(FieldInfo? field, Activity activity, string what)
    {
        if (field is null)
        {
            throw new NotSupportedException($"Activity {what} cannot be replaced on this runtime; the span is not exported.");
        }

        field.SetValue(activity, null);
    }

    /// <summary>The redacted tags, or <see langword="null"/> when redaction changes none of them (nothing allocated).</summary>
    private static ActivityTagsCollection? RedactedTags(Redactor redactor, Activity.Enumerator<KeyValuePair<string, object?>> tags, RenderedException? exceptionText)
    {
        ActivityTagsCollection? result = null;
        var index = 0;
        foreach (ref readonly var tag in tags)
        {
            var drop = false;
            var value = ExceptionText.IsTextOf(exceptionText, tag.Value)
                ? redactor.ApplyKeyRule(tag.Key, tag.Value, out drop)
                : redactor.RedactAttribute(tag.Key, tag.Value, out drop);
            if (result is null)
            {
                if (!drop && ReferenceEquals(value, tag.Value))
                {
                    index++;
                    continue;
                }

                result = [];
                var copied = 0;
                foreach (ref readonly var earlier in tags)
                {
                    if (copied++ == index)
                    {
                        break;
                    }

                    result[earlier.Key] = earlier.Value;
                }
            }

            if (!drop)
            {
                result[tag.Key] = value;
            }
        }

        return result;
    }

    private static ActivityTagsCollection Copy(Activity.Enumerator<KeyValuePair<string, object?>> tags)
    {
        var result = new ActivityTagsCollection();
        foreach (ref readonly var tag in tags)
        {
            result[tag.Key] = tag.Value;
        }

        return result;
    }
}
