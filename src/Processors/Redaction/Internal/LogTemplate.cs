using Microsoft.Extensions.Logging;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Reads the placeholders of a message template (<c>"Order {OrderId} for {Email}"</c>) and renders a template with
/// replacement values exactly as Microsoft.Extensions.Logging does.
/// </summary>
internal static class LogTemplate
{
    [ThreadStatic]
    private static CaptureLogger? _capture;

    /// <summary>Returns whether <paramref name="template"/> has a placeholder called <paramref name="name"/>.</summary>
    public static bool HasPlaceholder(string template, string name)
    {
        var position = 0;
        while (TryReadPlaceholder(template, ref position, out var placeholder))
        {
            if (placeholder.SequenceEqual(name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Returns the placeholder names of <paramref name="template"/>, in order.</summary>
    public static string[] PlaceholderNames(string template)
    {
        var names = new List<string>();
        var position = 0;
        while (TryReadPlaceholder(template, ref position, out var placeholder))
        {
            names.Add(placeholder.ToString());
        }

        return [.. names];
    }

    /// <summary>
    /// Renders <paramref name="template"/>, taking each placeholder's value by name from <paramref name="values"/>
    /// (the first unused entry with that key), so placeholders a redaction removed do not shift the others.
    /// </summary>
    public static string Render(string template, ReadOnlySpan<KeyValuePair<string, object?>> values)
    {
        var names = PlaceholderNames(template);
        var args = new object?[names.Length];
        var used = new bool[values.Length];
        for (var i = 0; i < names.Length; i++)
        {
            for (var j = 0; j < values.Length; j++)
            {
                if (!used[j] && values[j].Key == names[i])
                {
                    used[j] = true;
                    args[i] = values[j].Value;
                    break;
                }
            }
        }

        var capture = _capture ??= new CaptureLogger();
        capture.Message = null;
        // The template is data here (it is re-rendered with redacted values), so neither a constant template nor a
        // LoggerMessage delegate is possible; this is the public way to get the framework's exact formatting.
#pragma warning disable CA2254, CA1848
        capture.Log(LogLevel.Information, template, args);
#pragma warning restore CA2254, CA1848
        var message = capture.Message ?? template;
        capture.Message = null;
        return message;
    }

    private static bool TryReadPlaceholder(string template, ref int position, out ReadOnlySpan<char> name)
    {
        while (position < template.Length)
        {
            var open = template.IndexOf('{', position);
            if (open < 0 || open + 1 >= template.Length)
            {
                break;
            }

            if (template[open + 1] == '{')
            {
                position = open + 2;
                continue;
            }

            var close = template.IndexOf('}', open + 1);
            if (close < 0)
            {
                break;
            }

            position = close + 1;
            var inner = template.AsSpan(open + 1, close - open - 1);
            var end = inner.IndexOfAny(',', ':');
            name = (end < 0 ? inner : inner[..end]).Trim();
            return true;
        }

        position = template.Length;
        name = default;
        return false;
    }

    private sealed class CaptureLogger : ILogger
    {
        public string? Message { get; set; }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Message = formatter(state, exception);
    }
}
