using System.Collections;
using ErrorTelemetry.Diagnostics;
using ErrorTelemetry.Failures.Internal;

namespace ErrorTelemetry.Classification.Internal;

/// <summary>Reads the context attached with <c>WithContext</c> across an exception chain.</summary>
internal static class ExceptionContext
{
    /// <summary>At most this many entries are read, so a chatty chain cannot flood a span.</summary>
    public const int MaxEntries = 32;

    /// <summary>
    /// Returns the context entries of the exception and its causes (walked as <see cref="ExceptionWalk"/> does, outer
    /// first), keys without the storage prefix. When a key appears more than once, the outermost exception's value
    /// wins: it was added later, closer to where the failure was handled. Null values are skipped.
    /// </summary>
    /// <returns>The entries; an empty shared list when there are none.</returns>
    public static IReadOnlyList<KeyValuePair<string, object>> Read(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        List<KeyValuePair<string, object>>? entries = null;
        if (ExceptionWalk.VisitsAlone(exception))
        {
            // No causes (most failures): the walk, and its buffers, are not needed.
            ReadFrom(exception, ref entries);
            return (IReadOnlyList<KeyValuePair<string, object>>?)entries ?? [];
        }

        var walk = new ExceptionWalk(exception);
        while (walk.MoveNext(out var current, out _))
        {
            if (ReadFrom(current, ref entries))
            {
                return entries!;
            }
        }

        return (IReadOnlyList<KeyValuePair<string, object>>?)entries ?? [];
    }

    // Returns true when the entry limit is reached.
    private static bool ReadFrom(Exception exception, ref List<KeyValuePair<string, object>>? entries)
    {
        var data = ExceptionText.Data(exception);
        if (data is null)
        {
            return false;
        }

        try
        {
            return ReadEntries(data, ref entries);
        }
        catch (Exception ex)
        {
            // Application dictionaries may throw while enumerating: keep what was read, drop the rest.
            ErrorTelemetryEventSource.Log.ExceptionReadFailed(nameof(Exception.Data), ex);
            return false;
        }
    }

    // Returns true when the entry limit is reached.
    private static bool ReadEntries(IDictionary data, ref List<KeyValuePair<string, object>>? entries)
    {
        foreach (DictionaryEntry item in data)
        {
            if (item.Key is not string key
                || item.Value is null
                || key.Length <= ExceptionDataKeys.ContextPrefix.Length
                || !key.StartsWith(ExceptionDataKeys.ContextPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var name = key[ExceptionDataKeys.ContextPrefix.Length..];
            entries ??= [];
            if (!Contains(entries, name))
            {
                entries.Add(new(name, item.Value));
                if (entries.Count == MaxEntries)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool Contains(List<KeyValuePair<string, object>> entries, string key)
    {
        foreach (var entry in entries)
        {
            if (string.Equals(entry.Key, key, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
