namespace ErrorTelemetry.Redaction.Internal;

/// <summary>E-mail addresses: a local part of letters, digits and <c>._%+-</c>, an <c>@</c>, and a dotted domain
/// whose last label has at least two letters (so <c>pkg@1.2.3</c> and <c>user@localhost</c> are left alone).</summary>
internal sealed class EmailDetector : BuiltInDetector
{
    public EmailDetector()
        : base("email")
    {
    }

    public override bool CanMatch(ReadOnlySpan<char> text) => text.Length >= 6 && text.IndexOf('@') >= 0;

    internal override bool TryFindReplacement(
        ReadOnlySpan<char> text, int startAt, out int index, out int length, out string replacement)
    {
        var position = startAt;
        while (position < text.Length)
        {
            var found = text[position..].IndexOf('@');
            if (found < 0)
            {
                break;
            }

            var at = position + found;
            position = at + 1;

            var start = at;
            while (start > startAt && IsLocalChar(text[start - 1]))
            {
                start--;
            }

            while (start < at && text[start] == '.')
            {
                start++;
            }

            if (start == at || text[start..at].SequenceEqual("REDACTED"))
            {
                continue;
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
                continue;
            }

            index = start;
            length = end - start;
            replacement = Replacement;
            return true;
        }

        return NotFound(out index, out length, out replacement);
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
