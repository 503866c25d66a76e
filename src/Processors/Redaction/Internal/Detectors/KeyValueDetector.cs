using System.Buffers;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Values assigned to a sensitive key in free text: <c>password=…</c>, <c>"api_key": "…"</c>,
/// <c>Authorization: Bearer …</c>, <c>&lt;password&gt;…&lt;/password&gt;</c>, command-line flags
/// (<c>--password …</c>), and the password of connection strings (<c>Server=db;User Id=app;Password=…;</c>). Keys are judged by <see cref="SensitiveKeyClassifier"/>; the
/// value is replaced with <c>[REDACTED:&lt;kind&gt;]</c> and the key is kept.
/// </summary>
/// <remarks>
/// Where a value ends: at the closing quote when quoted; at the end of the line for header-like keys
/// (authorization, cookie) after a colon; at the next <c>;</c> inside a connection string (the key follows a
/// <c>;</c>, or a <c>;key=</c> follows the value); otherwise at whitespace or one of <c>,;&amp;"'&lt;&gt;)]}</c>.
/// </remarks>
internal sealed class KeyValueDetector : BuiltInDetector
{
    private static readonly SearchValues<char> Separators = SearchValues.Create("=:>");
    private static readonly SearchValues<char> ValueEnd = SearchValues.Create(" \t\r\n,;&\"'<>`)]}");
    private static readonly SearchValues<char> LineEnd = SearchValues.Create("\r\n\"");
    private static readonly SearchValues<char> ConnectionValueEnd = SearchValues.Create(";\r\n\"");
    private static readonly string[] AuthSchemes =
    [
        "Bearer", "Basic", "Digest", "Negotiate", "NTLM", "Token", "Bot", "ApiKey", "SharedKey",
        "SharedAccessSignature", "AWS4-HMAC-SHA256", "HMAC-SHA256",
    ];

    private readonly SensitiveKeyClassifier _classifier;

    public KeyValueDetector(SensitiveKeyClassifier classifier)
        : base("key_value")
    {
        _classifier = classifier;
    }

    public override bool CanMatch(ReadOnlySpan<char> text) =>
        text.IndexOfAny(Separators) >= 0 || text.IndexOf("--", StringComparison.Ordinal) >= 0;

    internal override bool TryFindReplacement(
        ReadOnlySpan<char> text, int startAt, out int index, out int length, out string replacement)
    {
        var found = TryFindAssignment(text, startAt, out index, out length, out replacement);
        if (text.IndexOf("--", StringComparison.Ordinal) < 0
            || !TryFindFlag(text, startAt, found ? index : text.Length, out var flagIndex, out var flagLength, out var flagReplacement))
        {
            return found;
        }

        index = flagIndex;
        length = flagLength;
        replacement = flagReplacement;
        return true;
    }

    // "--password hunter2": a sensitive command-line flag and the word after it (before limit).
    private bool TryFindFlag(ReadOnlySpan<char> text, int startAt, int limit, out int index, out int length, out string replacement)
    {
        var position = startAt;
        while (position < limit)
        {
            var found = text[position..limit].IndexOf("--", StringComparison.Ordinal);
            if (found < 0)
            {
                break;
            }

            var keyStart = position + found + 2;
            position = keyStart;
            if ((keyStart > 2 && !char.IsWhiteSpace(text[keyStart - 3]) && text[keyStart - 3] is not ('"' or '\'' or '['))
                || keyStart >= text.Length || !char.IsAsciiLetter(text[keyStart]))
            {
                continue;
            }

            var keyEnd = keyStart;
            while (keyEnd < text.Length && IsKeyChar(text[keyEnd]))
            {
                keyEnd++;
            }

            if (keyEnd >= text.Length - 1 || text[keyEnd] != ' ' || _classifier.Classify(text[keyStart..keyEnd]) is not { } kind)
            {
                continue;
            }

            var valueStart = keyEnd + 1;
            var valueEnd = valueStart;
            if (text[valueStart] is '"' or '\'')
            {
                valueStart++;
                valueEnd = FindClosingQuote(text, valueStart, text[valueStart - 1]);
            }
            else
            {
                while (valueEnd < text.Length && !char.IsWhiteSpace(text[valueEnd]) && text[valueEnd] is not ('"' or '\''))
                {
                    valueEnd++;
                }
            }

            if (valueEnd <= valueStart || text[valueStart] == '-' || IsAlreadyRedacted(text[valueStart..valueEnd]))
            {
                continue;
            }

            index = valueStart;
            length = valueEnd - valueStart;
            replacement = kind.Replacement;
            return true;
        }

        return NotFound(out index, out length, out replacement);
    }

    private bool TryFindAssignment(ReadOnlySpan<char> text, int startAt, out int index, out int length, out string replacement)
    {
        var position = startAt;
        while (position < text.Length)
        {
            var found = text[position..].IndexOfAny(Separators);
            if (found < 0)
            {
                break;
            }

            var separator = position + found;
            position = separator + 1;
            var s = text[separator];
            var next = separator + 1 < text.Length ? text[separator + 1] : '\0';
            var previous = separator > 0 ? text[separator - 1] : '\0';
            if ((s == ':' && next is '/' or ':')
                || (s == '=' && (next is '=' or '>' || previous is '=' or '!' or '<' or '>')))
            {
                continue;
            }

            var keyEnd = separator;
            if (s != '>')
            {
                while (keyEnd > 0 && text[keyEnd - 1] is ' ' or '\t')
                {
                    keyEnd--;
                }

                if (keyEnd > 0 && text[keyEnd - 1] is '"' or '\'')
                {
                    keyEnd--;
                    if (keyEnd > 0 && text[keyEnd - 1] == '\\')
                    {
                        keyEnd--;
                    }
                }
            }

            var keyStart = keyEnd;
            while (keyStart > 0 && IsKeyChar(text[keyStart - 1]))
            {
                keyStart--;
            }

            if (keyStart == keyEnd || (s == '>' && (keyStart == 0 || text[keyStart - 1] != '<')))
            {
                continue;
            }

            var kind = _classifier.Classify(text[keyStart..keyEnd]);
            if (kind is null)
            {
                continue;
            }

            var valueStart = separator + 1;
            if (s != '>')
            {
                while (valueStart < text.Length && text[valueStart] is ' ' or '\t')
                {
                    valueStart++;
                }
            }

            if (valueStart >= text.Length)
            {
                break;
            }

            var valueEnd = FindValueEnd(text, s, kind, keyStart, ref valueStart);
            while (valueEnd > valueStart && char.IsWhiteSpace(text[valueEnd - 1]))
            {
                valueEnd--;
            }

            if (valueEnd <= valueStart)
            {
                continue;
            }

            if (IsAlreadyRedacted(text[valueStart..valueEnd]))
            {
                position = valueEnd;
                continue;
            }

            index = valueStart;
            length = valueEnd - valueStart;
            replacement = kind.Replacement;
            return true;
        }

        return NotFound(out index, out length, out replacement);
    }

    private static int FindValueEnd(ReadOnlySpan<char> text, char separator, SensitiveKeyKind kind, int keyStart, ref int valueStart)
    {
        if (separator == '>')
        {
            return EndAt(text, valueStart, text[valueStart..].IndexOfAny('<', '\r', '\n'));
        }

        var first = text[valueStart];
        if (first is '"' or '\'')
        {
            valueStart++;
            return FindClosingQuote(text, valueStart, first);
        }

        if (first == '{' && separator == '=')
        {
            // ODBC connection strings quote values in braces: Pwd={a;b}.
            var close = text[valueStart..].IndexOf('}');
            return close < 0 ? text.Length : valueStart + close + 1;
        }

        if (first == '\\' && valueStart + 1 < text.Length && text[valueStart + 1] == '"')
        {
            valueStart += 2;
            return EndAt(text, valueStart, text[valueStart..].IndexOf("\\\"", StringComparison.Ordinal));
        }

        if (kind.IsHeaderLike && separator == ':')
        {
            return EndAt(text, valueStart, text[valueStart..].IndexOfAny(LineEnd));
        }

        if (separator == '=' && IsConnectionString(text, keyStart, valueStart))
        {
            return EndAt(text, valueStart, text[valueStart..].IndexOfAny(ConnectionValueEnd));
        }

        var end = EndAt(text, valueStart, text[valueStart..].IndexOfAny(ValueEnd));
        if (kind.IsHeaderLike && end < text.Length - 1 && text[end] == ' '
            && IsAuthScheme(text[valueStart..end]))
        {
            // "authorization=Bearer abc": the credential is the word after the scheme.
            var credentialStart = end + 1;
            end = EndAt(text, credentialStart, text[credentialStart..].IndexOfAny(ValueEnd));
        }

        return end;
    }

    private static bool IsAuthScheme(ReadOnlySpan<char> word)
    {
        foreach (var scheme in AuthSchemes)
        {
            if (word.Equals(scheme, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsConnectionString(ReadOnlySpan<char> text, int keyStart, int valueStart)
    {
        var before = keyStart - 1;
        while (before >= 0 && text[before] == ' ')
        {
            before--;
        }

        if (before >= 0 && text[before] == ';')
        {
            return true;
        }

        var semicolon = text[valueStart..].IndexOfAny(';', '\n');
        if (semicolon < 0 || text[valueStart + semicolon] == '\n')
        {
            return false;
        }

        var position = valueStart + semicolon + 1;
        while (position < text.Length && text[position] == ' ')
        {
            position++;
        }

        var keyLength = 0;
        while (position < text.Length && (char.IsAsciiLetterOrDigit(text[position]) || text[position] is ' ' or '_' or '.'))
        {
            position++;
            keyLength++;
        }

        return keyLength > 0 && position < text.Length && text[position] == '=';
    }

    private static int FindClosingQuote(ReadOnlySpan<char> text, int start, char quote)
    {
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\')
            {
                i++;
            }
            else if (c == quote || c is '\r' or '\n')
            {
                return i;
            }
        }

        return text.Length;
    }

    private static int EndAt(ReadOnlySpan<char> text, int start, int relative) =>
        relative < 0 ? text.Length : start + relative;

    private static bool IsKeyChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';
}
