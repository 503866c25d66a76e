namespace ErrorTelemetry.Redaction.Internal;

/// <summary>US social security numbers written <c>123-45-6789</c>, excluding numbers never issued (area 000, 666
/// or 900–999, group 00, serial 0000). Undashed nine-digit numbers are not detected: too many ids look like them.</summary>
internal sealed class SsnDetector : BuiltInDetector
{
    public SsnDetector()
        : base("ssn")
    {
    }

    public override bool CanMatch(ReadOnlySpan<char> text) => text.Length >= 11 && text.IndexOf('-') >= 0;

    internal override bool TryFindReplacement(
        ReadOnlySpan<char> text, int startAt, out int index, out int length, out string replacement)
    {
        var position = startAt;
        while (position < text.Length)
        {
            var found = text[position..].IndexOf('-');
            if (found < 0)
            {
                break;
            }

            var dash = position + found;
            position = dash + 1;
            var start = dash - 3;
            if (start < startAt || dash + 8 > text.Length || text[dash + 3] != '-'
                || !AllDigits(text.Slice(start, 3)) || !AllDigits(text.Slice(dash + 1, 2)) || !AllDigits(text.Slice(dash + 4, 4))
                || (start > 0 && IsJoined(text[start - 1]))
                || (dash + 8 < text.Length && IsJoined(text[dash + 8])))
            {
                continue;
            }

            var area = text.Slice(start, 3);
            if (area is "000" or "666" || area[0] == '9' || text.Slice(dash + 1, 2) is "00" || text.Slice(dash + 4, 4) is "0000")
            {
                continue;
            }

            index = start;
            length = 11;
            replacement = Replacement;
            return true;
        }

        return NotFound(out index, out length, out replacement);
    }

    private static bool IsJoined(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';

    private static bool AllDigits(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
