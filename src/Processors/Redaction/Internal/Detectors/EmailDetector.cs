namespace ErrorTelemetry.Redaction.Internal;

/// <summary>E-mail addresses: a local part of letters, digits and <c>._%+-</c>, an <c>@</c> (or its URL encoding
/// <c>%40</c>, as in a logged query string), and a dotted domain whose last label has at least two letters (so
/// <c>pkg@1.2.3</c> and <c>user@localhost</c> are left alone). A git remote (<c>git@github.com:org/repo.git</c>) is
/// not an address.</summary>
internal sealed class EmailDetector : BuiltInDetector
{
    private const string EncodedAt = "%40";

    // RFC 5321's limit on a local part; it bounds the read-back from an encoded '@' (see TryMatchAt).
    private const int MaxLocalPartChars = 64;

    public EmailDetector()
        : base("email", DetectorAnchors.At | DetectorAnchors.EncodedAt)
    {
    }

    public override bool CanMatch(ReadOnlySpan<char> text) =>
        text.Length >= 6 && (text.IndexOf('@') >= 0 || text.IndexOf(EncodedAt, StringComparison.Ordinal) >= 0);

    protected override int FindAnchor(ReadOnlySpan<char> text)
    {
        // A '%' that does not start "%40" is skipped here, so it never costs a check.
        var offset = 0;
        while (true)
        {
            var found = text[offset..].IndexOfAny('@', '%');
            if (found < 0)
            {
                return -1;
            }

            found += offset;
            if (text[found] == '@' || text[found..].StartsWith(EncodedAt, StringComparison.Ordinal))
            {
                return found;
            }

            offset = found + 1;
        }
    }

    // The local part is read back to the previous '@' at most, the domain forward to the next one: each character
    // is read at most twice however many '@' there are. '%' is a local-part character, so the read-back from an
    // encoded '@' could pass every earlier "%40": it stops after 64 characters instead, which keeps the scan linear.
    protected override bool TryMatchAt(ReadOnlySpan<char> text, int at, ref ScanCursor cursor, out DetectorMatch match)
    {
        var encoded = text[at] == '%';
        var anchorChars = encoded ? EncodedAt.Length : 1;
        var floor = encoded ? Math.Max(cursor.Floor, at - MaxLocalPartChars) : cursor.Floor;
        var start = at;
        while (start > floor && IsLocalChar(text[start - 1]))
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

        var end = at + anchorChars;
        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '.' or '-'))
        {
            end++;
        }

        while (end > at + anchorChars && text[end - 1] is '.' or '-')
        {
            end--;
        }

        var domain = text[(at + anchorChars)..end];
        var lastDot = domain.LastIndexOf('.');
        if (domain.IsEmpty || !char.IsAsciiLetterOrDigit(domain[0]) || lastDot <= 0 || !IsTopLevelDomain(domain[(lastDot + 1)..]))
        {
            return Miss(out match);
        }

        return IsGitRemote(text, start, at, end) ? Miss(out match) : Hit(start, end - start, out match);
    }

    // "git@github.com:org/repo.git": the scp-like remote of git over SSH names the service account "git" and a path
    // glued to the host by a colon; it is not an address.
    private static bool IsGitRemote(ReadOnlySpan<char> text, int start, int at, int end) =>
        at - start == 3 && text[start..at].Equals("git", StringComparison.OrdinalIgnoreCase)
        && end + 1 < text.Length && text[end] == ':' && !char.IsWhiteSpace(text[end + 1]);

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
