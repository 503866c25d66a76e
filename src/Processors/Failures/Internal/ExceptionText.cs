using System.Collections;
using System.Text;
using ErrorTelemetry.Diagnostics;
using ErrorTelemetry.Redaction.Internal;

namespace ErrorTelemetry.Failures.Internal;

/// <summary>
/// An exception's text as rendered (and, for a redacting pipeline, redacted) once. Its text never changes:
/// exceptions that print the same text may share one.
/// </summary>
internal sealed class RenderedException
{
    private object? _cleanFor;

    public RenderedException(string message, string text, int stackStart = -1)
    {
        Message = message;
        Text = text;
        StackStart = stackStart;
    }

    /// <summary>The exception's <see cref="Exception.Message"/>, or <see cref="ExceptionText.Unavailable"/>.</summary>
    public string Message { get; }

    /// <summary>What <see cref="Exception.ToString"/> prints, bounded in depth and length.</summary>
    public string Text { get; }

    /// <summary>
    /// Where the stack trace starts in <see cref="Text"/> when the text was printed whole in
    /// <see cref="PlainRendering"/>'s layout (no inner exception, not cut); otherwise -1.
    /// </summary>
    public int StackStart { get; }

    /// <summary>
    /// Gets or sets the redactor (the target of its delegate) whose detectors are pure and that found
    /// <see cref="Message"/> and <see cref="Text"/> clean, or <see langword="null"/>: the same text gets the same
    /// answer from it, so another exception sharing this rendering is not redacted again. One redactor at most.
    /// </summary>
    public object? CleanFor
    {
        get => Volatile.Read(ref _cleanFor);
        set => Volatile.Write(ref _cleanFor, value);
    }
}

/// <summary>
/// Renders an exception's text once per exception, however many signals (the span's exception event, the log
/// record, text log providers) carry it, and reads application exceptions defensively.
/// </summary>
/// <remarks>
/// An exception's <see cref="Exception.Message"/>, <see cref="Exception.StackTrace"/>, <see cref="Exception.Data"/>
/// and <see cref="Exception.ToString"/> are application code and may throw: a failed read is reported through
/// <see cref="ErrorTelemetryEventSource.ExceptionReadFailed(string, Exception)"/> and replaced by
/// <see cref="Unavailable"/>, never thrown. <see cref="Exception.ToString"/> is quadratic in the depth of the
/// inner-exception chain, so a chain deeper than <see cref="MaxDepth"/> is rendered here instead, down to that depth,
/// with a marker; the text is cut at <see cref="MaxLength"/> characters with a marker. Thread-safe.
/// </remarks>
internal static class ExceptionText
{
    /// <summary>Stands in for a part of an exception that could not be read.</summary>
    public const string Unavailable = "[unavailable]";

    /// <summary>The deepest inner exception rendered.</summary>
    public const int MaxDepth = 64;

    /// <summary>The longest text rendered, in characters.</summary>
    public const int MaxLength = 32 * 1024;

    internal const string TruncatedMarker = "…[truncated]";

    private const string InnerSeparator = " ---> ";
    private const string EndOfInner = "   --- End of inner exception stack trace ---";

    private static RenderedException? _lastRendered;

    /// <summary>The raw text of <paramref name="exception"/>, rendered on first use.</summary>
    public static RenderedException Raw(Exception exception) => Raw(exception, ExceptionFacts.Of(exception));

    /// <summary><see cref="Raw(Exception)"/> for a caller that holds the exception's facts already (no second lookup).</summary>
    public static RenderedException Raw(Exception exception, ExceptionFacts facts) => facts.Text ?? facts.SetText(Render(exception));

    /// <summary>The raw text of <paramref name="exception"/> if it was rendered already, else <see langword="null"/>.</summary>
    public static string? RenderedText(Exception exception) =>
        ExceptionFacts.Find(exception)?.Text?.Text;

    /// <summary>
    /// The text of <paramref name="exception"/> redacted by <paramref name="redact"/>, computed once per exception
    /// and redactor (the delegate's target identifies the redactor, so <c>redactor.Redact</c> method groups share).
    /// </summary>
    public static RenderedException Redacted(Exception exception, Func<string, string> redact) =>
        Redacted(exception, ExceptionFacts.Of(exception), redact);

    /// <summary><see cref="Redacted(Exception, Func{string, string})"/> for a caller that holds the exception's facts already.</summary>
    public static RenderedException Redacted(Exception exception, ExceptionFacts facts, Func<string, string> redact)
    {
        var raw = Raw(exception, facts);
        var key = redact.Target ?? redact.Method;

        // One redactor per pipeline is the rule; a second one replaces what is kept rather than growing a list.
        // When the redactor finds the text clean (most of the time), the redactor itself is kept: nothing is allocated.
        var kept = facts.RedactedText;
        if (ReferenceEquals(kept, key))
        {
            return raw;
        }

        if (kept is RedactedEntry entry && ReferenceEquals(entry.Key, key))
        {
            return entry.Value;
        }

        // Exceptions that print alike share their rendering (a run of one failure): what this redactor found clean for
        // one of them it finds clean for the next, when its detectors are pure (their answer depends on the text alone).
        if (ReferenceEquals(raw.CleanFor, key))
        {
            facts.RedactedText = key;
            return raw;
        }

        var message = RedactSafely(redact, raw.Message);
        var text = RedactSafely(redact, raw.Text);
        if (ReferenceEquals(message, raw.Message) && ReferenceEquals(text, raw.Text))
        {
            facts.RedactedText = key;
            if (key is Redactor { RemembersCleanValues: true })
            {
                raw.CleanFor = key;
            }

            return raw;
        }

        var value = new RenderedException(message, text);
        facts.RedactedText = new RedactedEntry(key, value);
        return value;
    }

    /// <summary>
    /// The text of <paramref name="exception"/> as <paramref name="redactor"/> already redacted it, or
    /// <see langword="null"/>: a later pass of the same redactor over the same span need not scan a value that is (by
    /// reference) its message or text again. Another redactor's answer is never returned: what one pipeline's redactor
    /// kept, another's may have to remove.
    /// </summary>
    /// <param name="exception">The exception.</param>
    /// <param name="redactor">The redactor, as the target of the delegate given to <see cref="Redacted(Exception, Func{string, string})"/>.</param>
    public static RenderedException? RedactedOrNull(Exception exception, object redactor) =>
        ExceptionFacts.Find(exception) is { } facts ? RedactedOrNull(facts, redactor) : null;

    /// <summary><see cref="RedactedOrNull(Exception, object)"/> for a caller that holds the exception's facts.</summary>
    public static RenderedException? RedactedOrNull(ExceptionFacts facts, object redactor) =>
        facts.RedactedText switch
        {
            RedactedEntry entry => ReferenceEquals(entry.Key, redactor) ? entry.Value : null,
            { } kept => ReferenceEquals(kept, redactor) ? facts.Text : null,
            null => null,
        };

    /// <summary>Whether <paramref name="text"/> is (by reference) the message or text of <paramref name="rendered"/>.</summary>
    public static bool IsTextOf(RenderedException? rendered, object? text) =>
        rendered is not null && text is string && (ReferenceEquals(text, rendered.Text) || ReferenceEquals(text, rendered.Message));

    /// <summary>The redacted <see cref="Exception.StackTrace"/>, or null when there is none or it cannot be read.</summary>
    public static string? RedactedStackTrace(Exception exception, Func<string, string> redact)
    {
        var trace = Read(exception, static e => e.StackTrace, nameof(Exception.StackTrace));
        return trace is null || ReferenceEquals(trace, Unavailable) ? null : RedactSafely(redact, trace);
    }

    /// <summary>The exception's <see cref="Exception.Data"/>, or null when it is empty or cannot be read.</summary>
    public static IDictionary? Data(Exception exception)
    {
        try
        {
            // Most exceptions carry no data: then it is not read, since the first read creates it.
            if (UnsetData.Of(exception))
            {
                return null;
            }

            return exception.Data is { Count: > 0 } data ? data : null;
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.ExceptionReadFailed(nameof(Exception.Data), ex);
            return null;
        }
    }

    private static RenderedException Render(Exception exception)
    {
        var message = Read(exception, static e => e.Message, nameof(Exception.Message)) ?? string.Empty;
        var text = PlainRendering.TryRender(exception, message, out var stackStart);
        if (text is null && Depth(exception) <= MaxDepth)
        {
            text = Read(exception, static e => e.ToString(), nameof(Exception.ToString));
        }

        if (text is null || ReferenceEquals(text, Unavailable))
        {
            text = RenderBounded(exception);
        }

        if (text.Length > MaxLength)
        {
            text = string.Concat(text.AsSpan(0, MaxLength), TruncatedMarker);
            stackStart = -1;
        }

        // The same failure again (a run of one failure prints the same text instance, see PlainRendering): the same
        // rendered text, instead of a new one per exception. It never changes once made, so exceptions may share it.
        var last = Volatile.Read(ref _lastRendered);
        if (last is not null && ReferenceEquals(last.Text, text) && last.StackStart == stackStart
            && string.Equals(last.Message, message, StringComparison.Ordinal))
        {
            return last;
        }

        var rendered = new RenderedException(message, text, stackStart);
        Volatile.Write(ref _lastRendered, rendered);
        return rendered;
    }

    private static int Depth(Exception exception)
    {
        var depth = 0;
        for (var current = exception.InnerException; current is not null && depth <= MaxDepth; current = current.InnerException)
        {
            depth++;
        }

        return depth;
    }

    // The shape of Exception.ToString(), built from guarded reads, linear in the rendered depth.
    private static string RenderBounded(Exception exception)
    {
        var chain = new List<Exception>();
        for (var current = exception; current is not null && chain.Count < MaxDepth; current = current.InnerException)
        {
            chain.Add(current);
        }

        var omitted = Depth(chain[^1]) > 0;
        var builder = new StringBuilder();
        for (var i = 0; i < chain.Count && builder.Length < MaxLength; i++)
        {
            if (i > 0)
            {
                builder.Append(InnerSeparator);
            }

            builder.Append(chain[i].GetType().FullName).Append(": ")
                .Append(Read(chain[i], static e => e.Message, nameof(Exception.Message)));
        }

        if (omitted)
        {
            builder.Append(InnerSeparator).Append("[inner exceptions beyond ").Append(MaxDepth).Append(" omitted]");
        }

        for (var i = chain.Count - 1; i >= 0 && builder.Length < MaxLength; i--)
        {
            if (Read(chain[i], static e => e.StackTrace, nameof(Exception.StackTrace)) is { Length: > 0 } trace
                && !ReferenceEquals(trace, Unavailable))
            {
                builder.AppendLine().Append(trace);
            }

            if (i > 0)
            {
                builder.AppendLine().Append(EndOfInner);
            }
        }

        return builder.ToString();
    }

    private static string? Read(Exception exception, Func<Exception, string?> read, string member)
    {
        try
        {
            return read(exception);
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.ExceptionReadFailed(member, ex);
            return Unavailable;
        }
    }

    private static string RedactSafely(Func<string, string> redact, string value)
    {
        try
        {
            return redact(value);
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.RedactionFailed("exception text", ex);
            return "[REDACTED:error]";
        }
    }

    private sealed record RedactedEntry(object Key, RenderedException Value);
}
