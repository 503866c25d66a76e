using System.Diagnostics;
using System.Reflection;
using ErrorTelemetry.Diagnostics;

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

    public static void Redact(Activity activity, Redactor redactor)
    {
        if (activity is null || redactor is null)
        {
            return;
        }

        try
        {
            RedactTags(activity, redactor);
            RedactEvents(activity, redactor);
            RedactLinks(activity, redactor);

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
            var redactedName = redactor.Redact(displayName);
            if (!ReferenceEquals(redactedName, displayName))
            {
                activity.DisplayName = redactedName;
            }
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.RedactionFailed("span", ex);
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }

    private static void RedactTags(Activity activity, Redactor redactor)
    {
        var changed = false;
        foreach (ref readonly var tag in activity.EnumerateTagObjects())
        {
            if (Changes(redactor, tag))
            {
                changed = true;
                break;
            }
        }

        if (!changed)
        {
            return;
        }

        // Rebuild the whole tag list: SetTag only reaches the first of duplicate keys added with AddTag.
        var original = new List<KeyValuePair<string, object?>>();
        foreach (ref readonly var tag in activity.EnumerateTagObjects())
        {
            original.Add(tag);
        }

        foreach (var tag in original)
        {
            activity.SetTag(tag.Key, null);
        }

        foreach (var tag in original)
        {
            var value = redactor.RedactAttribute(tag.Key, tag.Value, out var drop);
            if (!drop && value is not null)
            {
                activity.AddTag(tag.Key, value);
            }
        }
    }

    private static void RedactEvents(Activity activity, Redactor redactor)
    {
        var changed = false;
        foreach (ref readonly var activityEvent in activity.EnumerateEvents())
        {
            if (!ReferenceEquals(redactor.Redact(activityEvent.Name), activityEvent.Name) || Changes(redactor, activityEvent.EnumerateTagObjects()))
            {
                changed = true;
                break;
            }
        }

        if (!changed)
        {
            return;
        }

        var rebuilt = new List<ActivityEvent>();
        foreach (ref readonly var activityEvent in activity.EnumerateEvents())
        {
            rebuilt.Add(new ActivityEvent(
                redactor.Redact(activityEvent.Name),
                activityEvent.Timestamp,
                RedactedTags(redactor, activityEvent.EnumerateTagObjects())));
        }

        Clear(EventsField, activity, "events");
        foreach (var activityEvent in rebuilt)
        {
            activity.AddEvent(activityEvent);
        }
    }

    private static void RedactLinks(Activity activity, Redactor redactor)
    {
        var changed = false;
        foreach (ref readonly var link in activity.EnumerateLinks())
        {
            if (Changes(redactor, link.EnumerateTagObjects()))
            {
                changed = true;
                break;
            }
        }

        if (!changed)
        {
            return;
        }

        var rebuilt = new List<ActivityLink>();
        foreach (ref readonly var link in activity.EnumerateLinks())
        {
            rebuilt.Add(new ActivityLink(link.Context, RedactedTags(redactor, link.EnumerateTagObjects())));
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

    private static bool Changes(Redactor redactor, in KeyValuePair<string, object?> tag)
    {
        var value = redactor.RedactAttribute(tag.Key, tag.Value, out var drop);
        return drop || !ReferenceEquals(value, tag.Value);
    }

    private static bool Changes(Redactor redactor, Activity.Enumerator<KeyValuePair<string, object?>> tags)
    {
        foreach (ref readonly var tag in tags)
        {
            if (Changes(redactor, tag))
            {
                return true;
            }
        }

        return false;
    }

    private static ActivityTagsCollection RedactedTags(Redactor redactor, Activity.Enumerator<KeyValuePair<string, object?>> tags)
    {
        var result = new ActivityTagsCollection();
        foreach (ref readonly var tag in tags)
        {
            var value = redactor.RedactAttribute(tag.Key, tag.Value, out var drop);
            if (!drop)
            {
                result[tag.Key] = value;
            }
        }

        return result;
    }
}
