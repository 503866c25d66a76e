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
        : base("phone")
    {
    }

    public override bool CanMatch(ReadOnlySpan<char> text) => text.IndexOf('+') >= 0;

    internal override bool TryFindReplacement(
        ReadOnlySpan<char> text, int startAt, out int index, out int length, out string replacement)
    {
        var position = startAt;
        while (position < text.Length)
        {
            var found = text[position..].IndexOf('+');
            if (found < 0)
            {
                break;
            }

            var plus = position + found;
            position = plus + 1;
            if ((plus > 0 && (char.IsAsciiLetterOrDigit(text[plus - 1]) || text[plus - 1] is '+' or '_' or '.'))
                || plus + 1 >= text.Length || text[plus + 1] is < '1' or > '9')
            {
                continue;
            }

            var digits = 0;
            var dots = 0;
            var open = false;
            var end = plus + 1;
            var cursor = plus + 1;
            while (cursor < text.Length)
            {
                var c = text[cursor];
                var previous = text[cursor - 1];
                var next = cursor + 1 < text.Length ? text[cursor + 1] : '\0';
                if (char.IsAsciiDigit(c))
                {
                    digits++;
                    end = cursor + 1;
                }
                else if (c is ' ' or '-' or '.' && (char.IsAsciiDigit(previous) || previous == ')') && (char.IsAsciiDigit(next) || next == '('))
                {
                    dots += c == '.' ? 1 : 0;
                }
                else if (c == ')' && open && char.IsAsciiDigit(previous))
                {
                    open = false;
                    end = cursor + 1;
                }
                else if (c == '(' && !open && char.IsAsciiDigit(next) && previous is ' ' or '+' or '-')
                {
                    open = true;
                }
                else
                {
                    break;
                }

                cursor++;
            }

            position = end;
            var after = end < text.Length ? text[end] : ' ';
            if (digits is < MinimumDigits or > MaximumDigits || dots == 1
                || char.IsAsciiLetterOrDigit(after) || after == '_'
                || (after is ':' or '.' && end + 1 < text.Length && char.IsAsciiDigit(text[end + 1])))
            {
                continue;
            }

            index = plus;
            length = end - plus;
            replacement = Replacement;
            return true;
        }

        return NotFound(out index, out length, out replacement);
    }
}
