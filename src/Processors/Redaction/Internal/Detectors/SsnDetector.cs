namespace ErrorTelemetry.Redaction.Internal;

/// <summary>US social security numbers written <c>123-45-6789</c>, excluding numbers never issued (area 000, 666
/// or 900–999, group 00, serial 0000). Undashed nine-digit numbers are not detected: too many ids look like them.</summary>
internal sealed class SsnDetector : BuiltInDetector
{
    public SsnDetector()
        : base("ssn", DetectorAnchors.SsnShape)
    {
    }

    public override bool CanMatch(ReadOnlySpan<char> text) => text.Length >= 11 && text.IndexOf('-') >= 0;

    protected override int FindAnchor(ReadOnlySpan<char> text) => text.IndexOf('-');

    protected override bool TryMatchAt(ReadOnlySpan<char> text, int dash, ref ScanCursor cursor, out DetectorMatch match)
    {
        var start = dash - 3;
        if (start < cursor.Floor || dash + 8 > text.Length || text[dash + 3] != '-'
            || !AllDigits(text.Slice(start, 3)) || !AllDigits(text.Slice(dash + 1, 2)) || !AllDigits(text.Slice(dash + 4, 4))
            || (start > 0 && IsJoined(text[start - 1]))
            || (dash + 8 < text.Length && IsJoined(text[dash + 8])))
        {
            return Miss(out match);
        }

        var area = text.Slice(start, 3);
        if (area is "000" or "666" || area[0] == '9' || text.Slice(dash + 1, 2) is "00" || text.Slice(dash + 4, 4) is "0000")
        {
            return Miss(out match);
        }

        return Hit(start, 11, out match);
    }

    private static bool IsJoined(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';

    private static bool AllDigits(ReadOnlySpan<char> span) => !span.ContainsAnyExcept(Digits);
}
