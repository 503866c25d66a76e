using System.Buffers;
using System.Text;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Logged cookie headers: <c>Cookie: sid=abc123; theme=dark</c> becomes
/// <c>Cookie: sid=[REDACTED:cookie]; theme=[REDACTED:cookie]</c>. The names stay (they say which session or preference
/// was sent), every value goes. In <c>Set-Cookie:</c> only the first pair is the cookie; the attributes after it
/// (<c>Path</c>, <c>Expires</c>, <c>HttpOnly</c>) are kept.
/// </summary>
internal sealed class CookieDetector : BuiltInDetector
{
    private const string CookieReplacement = "[REDACTED:cookie]";
    private const string HeaderName = "cookie:";
    private const string SetPrefix = "set-";

    private static readonly SearchValues<string> Header = SearchValues.Create([HeaderName], StringComparison.OrdinalIgnoreCase);
    private static readonly SearchValues<char> ValueEnd = SearchValues.Create(";, \t\r\n\"\\");

    public CookieDetector()
        : base("cookie", DetectorAnchors.CookieHeader)
    {
    }

    public override bool CanMatch(ReadOnlySpan<char> text) => text.IndexOfAny(Header) >= 0;

    protected override int FindAnchor(ReadOnlySpan<char> text) => text.IndexOfAny(Header);

    // Consumes the pairs it reads: the next anchor search starts after them, so each character is read once.
    protected override bool TryMatchAt(ReadOnlySpan<char> text, int start, ref ScanCursor cursor, out DetectorMatch match)
    {
        var setCookie = start >= SetPrefix.Length
            && text[(start - SetPrefix.Length)..start].Equals(SetPrefix, StringComparison.OrdinalIgnoreCase);
        var nameStart = setCookie ? start - SetPrefix.Length : start;
        if (nameStart > 0 && (IsWordChar(text[nameStart - 1]) || text[nameStart - 1] == '-'))
        {
            return Miss(out match);
        }

        var position = start + HeaderName.Length;
        while (position < text.Length && text[position] is ' ' or '\t')
        {
            position++;
        }

        StringBuilder? builder = null;
        var first = position;
        var copied = position;
        var read = start + 1;
        while (true)
        {
            var name = position;
            while (position < text.Length && IsNameChar(text[position]))
            {
                position++;
            }

            if (position == name || position >= text.Length || text[position] != '=')
            {
                break;
            }

            var valueStart = ++position;
            if (position < text.Length && text[position] == '"')
            {
                position++;
            }

            var valueLength = text[position..].IndexOfAny(ValueEnd);
            position = valueLength < 0 ? text.Length : position + valueLength;
            if (position < text.Length && text[position] == '"' && text[valueStart] == '"')
            {
                position++;
            }

            read = position;
            if (position > valueStart && !IsAlreadyRedacted(text[valueStart..]))
            {
                builder ??= new StringBuilder();
                builder.Append(text[copied..valueStart]).Append(CookieReplacement);
                copied = position;
            }

            if (setCookie || position >= text.Length || text[position] != ';')
            {
                break;
            }

            var next = position + 1;
            while (next < text.Length && text[next] == ' ')
            {
                next++;
            }

            if (next >= text.Length || !IsNameChar(text[next]))
            {
                break;
            }

            position = next;
        }

        // A header found inside a value read here was read as that value: it is not searched for again.
        cursor.Position = Math.Max(cursor.Position, read);
        return builder is null ? Miss(out match) : Hit(first, read - first, builder.Append(text[copied..read]).ToString(), out match);
    }

    // A cookie name is an HTTP token.
    private static bool IsNameChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
