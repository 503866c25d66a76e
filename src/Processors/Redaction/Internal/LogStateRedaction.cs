using System.Globalization;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Redacts structured log state and scopes: the key/value pairs, the message template, and the message rendered
/// from them. Shared by <see cref="LogRecordRedaction"/> and the logging-provider decorators.
/// </summary>
internal static class LogStateRedaction
{
    /// <summary>What a value becomes when its placeholder stood in a sensitive context of the template.</summary>
    public const string ContextReplacement = "[REDACTED]";

    /// <summary>
    /// Redacts <paramref name="values"/>. Returns <see langword="null"/>, without allocating, when nothing changed.
    /// Otherwise returns the redacted pairs (dropped keys left out) and a message re-rendered from the redacted
    /// template and values, or, without a template, <paramref name="message"/> with the replaced values substituted.
    /// </summary>
    /// <remarks>
    /// A value that is harmless alone can be a secret in context: in <c>"Authorization: Bearer {Value}"</c> the
    /// redacted template loses the <c>{Value}</c> placeholder, and then the value is replaced too.
    /// </remarks>
    /// <param name="redactor">The redaction engine.</param>
    /// <param name="values">The state or scope pairs.</param>
    /// <param name="message">The message rendered from the original state, when known.</param>
    /// <param name="messageSource">An object whose <see cref="object.ToString"/> is the message, read only when
    /// something changed and there is neither a template nor <paramref name="message"/> (a scope).</param>
    public static RedactedLogValues? Redact(
        Redactor redactor,
        IReadOnlyList<KeyValuePair<string, object?>> values,
        string? message,
        object? messageSource = null) =>
        Redact(redactor, values, message, messageSource, out _);

    /// <summary>
    /// Redacts <paramref name="values"/> as <see cref="Redact(Redactor, IReadOnlyList{KeyValuePair{string, object}}, string?, object?)"/>
    /// does, and also returns the state's template when this redactor finds nothing in it as text
    /// (<paramref name="cleanTemplate"/>), so that a log record's body that is this same string is not scanned again.
    /// </summary>
    public static RedactedLogValues? Redact(
        Redactor redactor,
        IReadOnlyList<KeyValuePair<string, object?>> values,
        string? message,
        object? messageSource,
        out string? cleanTemplate)
    {
        var count = values.Count;
        var first = FirstChange(redactor, values, count, out cleanTemplate, out var firstRedacted, out var firstDropped);
        if (first < 0)
        {
            return null;
        }

        // Values before the first change are known clean, and the first change is already redacted: each value is
        // redacted once.
        var result = new KeyValuePair<string, object?>[count];
        var dropped = new bool[count];
        string? template = null;
        string? redactedTemplate = null;
        for (var i = 0; i < count; i++)
        {
            var pair = values[i];
            object? redacted;
            if (i < first)
            {
                redacted = pair.Value;
            }
            else if (i == first)
            {
                redacted = firstRedacted;
                dropped[i] = firstDropped;
            }
            else
            {
                redacted = redactor.RedactAttribute(pair.Key, pair.Value, out dropped[i]);
            }

            result[i] = new KeyValuePair<string, object?>(pair.Key, dropped[i] ? ContextReplacement : redacted);
            if (i == count - 1 && pair.Key == Redactor.OriginalFormatKey && pair.Value is string original)
            {
                template = original;
                redactedTemplate = redacted as string ?? original;
            }
        }

        if (template is not null && !ReferenceEquals(template, redactedTemplate))
        {
            for (var i = 0; i < count - 1; i++)
            {
                if (!dropped[i] && result[i].Value is not null && ReferenceEquals(result[i].Value, values[i].Value)
                    && LogTemplate.HasPlaceholder(template, result[i].Key)
                    && !LogTemplate.HasPlaceholder(redactedTemplate!, result[i].Key))
                {
                    result[i] = new KeyValuePair<string, object?>(result[i].Key, ContextReplacement);
                }
            }
        }

        string rendered;
        if (redactedTemplate is not null)
        {
            rendered = LogTemplate.Render(redactedTemplate, result.AsSpan(0, count - 1));
        }
        else
        {
            rendered = message ?? messageSource?.ToString() ?? string.Empty;
            for (var i = 0; i < count && rendered.Length > 0; i++)
            {
                if (!ReferenceEquals(result[i].Value, values[i].Value) && Format(values[i].Value) is { Length: > 0 } raw)
                {
                    rendered = rendered.Replace(raw, Format(result[i].Value) ?? ContextReplacement, StringComparison.Ordinal);
                }
            }
        }

        var kept = 0;
        for (var i = 0; i < count; i++)
        {
            if (!dropped[i])
            {
                result[kept++] = result[i];
            }
        }

        if (kept < count)
        {
            Array.Resize(ref result, kept);
        }

        return new RedactedLogValues(result, redactor.Redact(rendered));
    }

    /// <summary>
    /// Returns whether redaction leaves every one of <paramref name="values"/> as it is (none replaced or dropped), as
    /// <see cref="Redact(Redactor, IReadOnlyList{KeyValuePair{string, object}}, string?, object?, out string?)"/>
    /// returning <see langword="null"/> would, without building the redacted pairs when one changes.
    /// </summary>
    public static bool Keeps(Redactor redactor, IReadOnlyList<KeyValuePair<string, object?>> values, out string? cleanTemplate) =>
        FirstChange(redactor, values, values.Count, out cleanTemplate, out _, out _) < 0;

    // The position of the first value redaction changes or drops, with what it becomes; -1 when none does.
    private static int FirstChange(
        Redactor redactor,
        IReadOnlyList<KeyValuePair<string, object?>> values,
        int count,
        out string? cleanTemplate,
        out object? firstRedacted,
        out bool firstDropped)
    {
        // A LoggerMessage state boxes a number each time it is read; one that redaction would keep is not read, nor
        // is a template this redactor left unchanged before. A value under the key its call site had before is
        // checked against what that key remembers, without looking the key up.
        var skippable = LogValuesShape.Known(redactor, values, count, out cleanTemplate, out var keys);
        for (var i = 0; i < count; i++)
        {
            if (i < 64 && (skippable & (1UL << i)) != 0)
            {
                continue;
            }

            var pair = values[i];
            if (keys is not null && keys[i] is { } remembered && string.Equals(pair.Key, remembered.Key, StringComparison.Ordinal)
                && remembered.KeepsRemembered(pair.Value))
            {
                continue;
            }

            var redacted = redactor.RedactAttribute(pair.Key, pair.Value, out var drop);
            if (drop || !ReferenceEquals(redacted, pair.Value))
            {
                firstRedacted = redacted;
                firstDropped = drop;
                return i;
            }
        }

        firstRedacted = null;
        firstDropped = false;
        return -1;
    }

    /// <summary>
    /// Redacts a scope object as loggers see it: strings are scanned, key/value scopes are redacted like state
    /// (keeping their rendered message), other objects are scanned through <see cref="object.ToString"/>.
    /// </summary>
    /// <returns>The same instance when nothing changed.</returns>
    public static object? RedactScope(Redactor redactor, object? scope)
    {
        try
        {
            switch (scope)
            {
                case null:
                    return null;
                case string text:
                    return redactor.Redact(text);
                case RedactedLogValues:
                    return scope;
                case IReadOnlyList<KeyValuePair<string, object?>> list:
                    return (object?)Redact(redactor, list, null, scope) ?? scope;
                case IEnumerable<KeyValuePair<string, object?>> pairs:
                    return (object?)Redact(redactor, new List<KeyValuePair<string, object?>>(pairs), null, scope) ?? scope;
                default:
                    var formatted = Format(scope);
                    if (formatted is null)
                    {
                        return scope;
                    }

                    var redacted = redactor.Redact(formatted);
                    return ReferenceEquals(redacted, formatted) ? scope : redacted;
            }
        }
        catch (Exception ex)
        {
            Diagnostics.ErrorTelemetryEventSource.Log.RedactionFailed("log scope", ex);
            return Redactor.ErrorReplacement;
        }
    }

    private static string? Format(object? value) => value switch
    {
        null => null,
        string text => text,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
