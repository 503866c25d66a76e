namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// International phone numbers in E.164 style: a <c>+</c> not glued to a word or number, a non-zero digit, and 8 to
/// 15 digits in all, separated by single spaces, dashes, dots (at least two, so <c>+1234567.89</c> stays a number)
/// or parentheses. National formats without <c>+</c> are not detected. Timestamps (<c>+02:00</c>) and versions are
/// too short to match.
/// </summary>
internal sealed class PhoneDetector : BuiltInDetector
{
    private const int MinimumDigits = 8;
    private const int MaximumDigits = 15;

    public PhoneDetector()
        : base("phone", DetectorAnchors.Plus)
    {
    }

    public override bool CanMatch(ReadOnlySpan<char> text) => text.IndexOf('+') >= 0;

    protected override int FindAnchor(ReadOnlySpan<char> text) => text.IndexOf('+');

    protected override bool TryMatchAt(ReadOnlySpan<char> text, int plus, ref ScanCursor cursor, out DetectorMatch match)
    {
        if ((plus > 0 && (char.IsAsciiLetterOrDigit(text[plus - 1]) || text[plus - 1] is '+' or '_' or '.'))
            || plus + 1 >= text.Length || text[plus + 1] is < '1' or > '9')
        {
            return Miss(out match);
        }

        var digits = 0;
        var dots = 0;
        var open = false;
        var end = plus + 1;
        var position = plus + 1;
        while (position < text.Length)
        {
            var c = text[position];
            var previous = text[position - 1];
            var next = position + 1 < text.Length ? text[position + 1] : '\0';
            if (char.IsAsciiDigit(c))
            {
                digits++;
                end = position + 1;
            }
            else if (c is ' ' or '-' or '.' && (char.IsAsciiDigit(previous) || previous == ')') && (char.IsAsciiDigit(next) || next == '('))
            {
                dots += c == '.' ? 1 : 0;
            }
            else if (c == ')' && open && char.IsAsciiDigit(previous))
            {
                open = false;
                end = position + 1;
            }
            else if (c == '(' && !open && char.IsAsciiDigit(next) && previous is ' ' or '+' or '-')
            {
                open = true;
            }
            else
            {
                break;
            }

            position++;
        }

        // No '+' lies between the sign and the end of the number, so the next search may start there.
        cursor.Position = end;
        var after = end < text.Length ? text[end] : ' ';
        if (digits is < MinimumDigits or > MaximumDigits || dots == 1
            || char.IsAsciiLetterOrDigit(after) || after == '_'
            || (after is ':' or '.' && end + 1 < text.Length && char.IsAsciiDigit(text[end + 1])))
        {
            return Miss(out match);
        }

        return Hit(plus, end - plus, out match);
    }
}
