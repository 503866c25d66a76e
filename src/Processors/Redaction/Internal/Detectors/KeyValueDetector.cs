using System.Buffers;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Values assigned to a sensitive key in free text: <c>password=…</c>, <c>"api_key": "…"</c>,
/// <c>Authorization: Bearer …</c>, <c>&lt;password&gt;…&lt;/password&gt;</c>, command-line flags
/// (<c>--password …</c>), and the password of connection strings (<c>Server=db;User Id=app;Password=…;</c>). Keys are judged by <see cref="SensitiveKeyClassifier"/>; the
/// value is replaced with <c>[REDACTED:&lt;kind&gt;]</c> and the key is kept. A session key followed by a count
/// (<c>session: 3 of 5</c>, <c>session=2/3</c>) is not a session id.
/// </summary>
/// <remarks>
/// Where a value ends: at the closing quote when quoted; at the end of the line for header-like keys
/// (authorization, cookie) after a colon; at the next <c>;</c> inside a connection string (the key follows a
/// <c>;</c>, or a <c>;key=</c> follows the value); otherwise at whitespace or one of <c>,;&amp;"'&lt;&gt;)]}</c>.
/// </remarks>
internal sealed class KeyValueDetector : BuiltInDetector
{
    private const int MaxCountDigits = 4;

    private static readonly SearchValues<char> Separators = SearchValues.Create("=:>");
    private static readonly SearchValues<char> AnchorChars = SearchValues.Create("=:>-");

    // The anchor characters to search for, by which of =, :, > and -- the pre-scan saw (bit 0 '=', 1 ':', 2 '>', 3 '-').
    private static readonly SearchValues<char>[] AnchorCharsBySeen = CreateAnchorSets();
    private static readonly SearchValues<char> ConnectionNext = SearchValues.Create(";\n");
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
        : base("key_value", DetectorAnchors.EqualsSign | DetectorAnchors.Colon | DetectorAnchors.Greater | DetectorAnchors.DoubleDash)
    {
        _classifier = classifier;
    }

    public override bool CanMatch(ReadOnlySpan<char> text) =>
        text.IndexOfAny(Separators) >= 0 || text.IndexOf("--", StringComparison.Ordinal) >= 0;

    // One loop over both shapes: a separator (=, :, >) after a key, or "--" before a flag.
    protected override int FindAnchor(ReadOnlySpan<char> text) => text.IndexOfAny(AnchorChars);

    // Only the shapes the pre-scan saw: a text with a time ("14:05") and single dashes ("EU-West") but no "--", '=' or
    // '>' stops at its colons alone.
    protected override int FindAnchor(ReadOnlySpan<char> text, DetectorAnchors seen)
    {
        if (seen == DetectorAnchors.None)
        {
            return FindAnchor(text);
        }

        var set = ((seen & DetectorAnchors.EqualsSign) != 0 ? 1 : 0) | ((seen & DetectorAnchors.Colon) != 0 ? 2 : 0)
            | ((seen & DetectorAnchors.Greater) != 0 ? 4 : 0) | ((seen & DetectorAnchors.DoubleDash) != 0 ? 8 : 0);
        return set == 0 ? -1 : text.IndexOfAny(AnchorCharsBySeen[set]);
    }

    protected override bool TryMatchAt(ReadOnlySpan<char> text, int anchor, ref ScanCursor cursor, out DetectorMatch match)
    {
        if (text[anchor] != '-')
        {
            return TryMatchAssignment(text, anchor, ref cursor, out match);
        }

        return anchor + 1 < text.Length && text[anchor + 1] == '-' ? TryMatchFlag(text, anchor, out match) : Miss(out match);
    }

    // "--password hunter2": a sensitive command-line flag and the word after it. The key is read forward over key
    // characters; another accepted "--" follows whitespace, so it cannot lie inside this key.
    private bool TryMatchFlag(ReadOnlySpan<char> text, int dashes, out DetectorMatch match)
    {
        var keyStart = dashes + 2;
        if ((dashes > 0 && !char.IsWhiteSpace(text[dashes - 1]) && text[dashes - 1] is not ('"' or '\'' or '['))
            || keyStart >= text.Length || !char.IsAsciiLetter(text[keyStart]))
        {
            return Miss(out match);
        }

        var keyEnd = keyStart;
        while (keyEnd < text.Length && IsKeyChar(text[keyEnd]))
        {
            keyEnd++;
        }

        if (keyEnd >= text.Length - 1 || text[keyEnd] != ' ' || _classifier.Classify(text[keyStart..keyEnd]) is not { } kind)
        {
            return Miss(out match);
        }

        // Rejected values are recognised from their first characters; only an accepted one (consumed by the match)
        // is read to its end.
        var valueStart = keyEnd + 1;
        var quote = text[valueStart] is '"' or '\'' ? text[valueStart] : '\0';
        if (quote != '\0')
        {
            valueStart++;
        }

        if (valueStart >= text.Length || text[valueStart] == '-' || IsAlreadyRedacted(text[valueStart..])
            || (quote == '\0' ? char.IsWhiteSpace(text[valueStart]) || text[valueStart] is '"' or '\'' : IsQuoteEnd(text[valueStart], quote)))
        {
            return Miss(out match);
        }

        var valueEnd = valueStart;
        if (quote != '\0')
        {
            valueEnd = FindClosingQuote(text, valueStart, quote);
        }
        else
        {
            while (valueEnd < text.Length && !char.IsWhiteSpace(text[valueEnd]) && text[valueEnd] is not ('"' or '\''))
            {
                valueEnd++;
            }
        }

        return Hit(valueStart, valueEnd - valueStart, kind.Replacement, out match);
    }

    private bool TryMatchAssignment(ReadOnlySpan<char> text, int separator, ref ScanCursor cursor, out DetectorMatch match)
    {
        var s = text[separator];
        var next = separator + 1 < text.Length ? text[separator + 1] : '\0';
        var previous = separator > 0 ? text[separator - 1] : '\0';
        if ((s == ':' && next is '/' or ':')
            || (s == '=' && (next is '=' or '>' || previous is '=' or '!' or '<' or '>')))
        {
            return Miss(out match);
        }

        // The key is read back over characters that are not separators, so back to the previous anchor at most.
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
            return Miss(out match);
        }

        var kind = _classifier.Classify(text[keyStart..keyEnd]);
        if (kind is null)
        {
            return Miss(out match);
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
            cursor.Position = text.Length;
            return Miss(out match);
        }

        // An already-redacted value is recognised from its first characters, before its end is searched: "[REDACTED"
        // holds no character that ends a value, so the answer is the same, and a text of redacted values repeated
        // (or one unclosed quote after another) is not read to its end once per value.
        if (IsAlreadyRedacted(text[ContentStart(text, s, valueStart)..])
            || (kind.Name == "session" && IsCountPhrase(text[valueStart..])))
        {
            return Miss(out match);
        }

        var valueEnd = FindValueEnd(text, s, kind, keyStart, ref valueStart, ref cursor);
        while (valueEnd > valueStart && char.IsWhiteSpace(text[valueEnd - 1]))
        {
            valueEnd--;
        }

        // Only empty values are rejected after their end was found, and those end where they start.
        return valueEnd <= valueStart ? Miss(out match) : Hit(valueStart, valueEnd - valueStart, kind.Replacement, out match);
    }

    // "session: 3 of 5" counts sessions: a number of at most four digits followed by " of " and a number (or by
    // "/" and a number) is not a session id. At most a dozen characters are read.
    private static bool IsCountPhrase(ReadOnlySpan<char> value)
    {
        var digits = 0;
        while (digits < value.Length && digits <= MaxCountDigits && char.IsAsciiDigit(value[digits]))
        {
            digits++;
        }

        if (digits is 0 or > MaxCountDigits)
        {
            return false;
        }

        var rest = value[digits..];
        var next = rest.StartsWith(" of ", StringComparison.Ordinal) ? 4 : rest.StartsWith('/') ? 1 : -1;
        return next > 0 && next < rest.Length && char.IsAsciiDigit(rest[next]);
    }

    // Where FindValueEnd starts the value: after an opening quote or an escaped one.
    private static int ContentStart(ReadOnlySpan<char> text, char separator, int valueStart)
    {
        if (separator == '>')
        {
            return valueStart;
        }

        if (text[valueStart] is '"' or '\'')
        {
            return valueStart + 1;
        }

        return text[valueStart] == '\\' && valueStart + 1 < text.Length && text[valueStart + 1] == '"' ? valueStart + 2 : valueStart;
    }

    private static bool IsQuoteEnd(char c, char quote) => c == quote || c is '\r' or '\n';

    private static int FindValueEnd(
        ReadOnlySpan<char> text, char separator, SensitiveKeyKind kind, int keyStart, ref int valueStart, ref ScanCursor cursor)
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

        if (separator == '=' && IsConnectionString(text, keyStart, valueStart, ref cursor))
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

    private static bool IsConnectionString(ReadOnlySpan<char> text, int keyStart, int valueStart, ref ScanCursor cursor)
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

        // Whether ";key=" follows depends only on the next ';' or newline, which is the same for many values:
        // the search and the answer are remembered until a value starts past that stop.
        var stop = cursor.NextStop(text, valueStart, ConnectionNext, out var fresh);
        if (fresh)
        {
            cursor.StopFact = stop >= 0 && text[stop] == ';' && IsKeyAssignmentAt(text, stop + 1);
        }

        return stop >= 0 && cursor.StopFact;
    }

    private static bool IsKeyAssignmentAt(ReadOnlySpan<char> text, int position)
    {
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

    private static SearchValues<char>[] CreateAnchorSets()
    {
        var sets = new SearchValues<char>[16];
        for (var set = 0; set < sets.Length; set++)
        {
            var chars = string.Concat((set & 1) != 0 ? "=" : string.Empty, (set & 2) != 0 ? ":" : string.Empty, (set & 4) != 0 ? ">" : string.Empty, (set & 8) != 0 ? "-" : string.Empty);
            sets[set] = SearchValues.Create(chars);
        }

        return sets;
    }
}
