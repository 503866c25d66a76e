namespace ErrorTelemetry.Redaction.Internal;

/// <summary>E-mail addresses: a local part of letters, digits and <c>._%+-</c>, an <c>@</c>, and a dotted domain
/// whose last label has at least two letters (so <c>pkg@1.2.3</c> and <c>user@localhost</c> are left alone).</summary>
internal sealed class EmailDetector : BuiltInDetector
{
    public EmailDetector()
        : base("email", DetectorAnchors.At)
    {
    }

    public override bool CanMatch(ReadOnlySpan<char> text) => text.Length >= 6 && text.IndexOf('@') >= 0;

    protected override int FindAnchor(ReadOnlySpan<char> text) => text.IndexOf('@');

    // The local part is read back to the previous '@' at most, the domain forward to the next one: each character
    // is read at most twice however many '@' there are.
    protected override bool TryMatchAt(ReadOnlySpan<char> text, int at, ref ScanCursor cursor, out DetectorMatch match)
    {
        var start = at;
        while (start > cursor.Floor && IsLocalChar(text[start - 1]))
        {
            start--;
        }

        while (start < at && text[start] == '.')
        {
            start++;
        }

        if (start == at || text[start..at].SequenceEqual("REDACTED"))
        {
            return Miss(out match);
        }

        var end = at + 1;
        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '.' or '-'))
        {
            end++;
        }

        while (end > at + 1 && text[end - 1] is '.' or '-')
        {
            end--;
        }

        var domain = text[(at + 1)..end];
        var lastDot = domain.LastIndexOf('.');
        if (domain.IsEmpty || !char.IsAsciiLetterOrDigit(domain[0]) || lastDot <= 0 || !IsTopLevelDomain(domain[(lastDot + 1)..]))
        {
            return Miss(out match);
        }

        return Hit(start, end - start, out match);
    }

    private static bool IsLocalChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '%' or '+' or '-';

    private static bool IsTopLevelDomain(ReadOnlySpan<char> label)
    {
        if (label.Length < 2)
        {
            return false;
        }

        foreach (var c in label)
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }

        return true;
    }
}
