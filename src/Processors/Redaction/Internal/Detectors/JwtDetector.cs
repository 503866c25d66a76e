namespace ErrorTelemetry.Redaction.Internal;

/// <summary>JSON Web Tokens (and JWE): base64url segments separated by dots, the first starting with <c>eyJ</c>
/// (the encoding of <c>{"</c>) and at least 11 characters long, the second at least 2, then up to three more
/// segments (the third may be empty). The token must not be glued to a preceding base64url character.</summary>
internal sealed class JwtDetector : BuiltInDetector
{
    internal const string Start = "eyJ";

    public JwtDetector()
        : base("jwt", DetectorAnchors.JwtStart)
    {
    }

    public override bool CanMatch(ReadOnlySpan<char> text) => text.IndexOf(Start, StringComparison.Ordinal) >= 0;

    protected override int FindAnchor(ReadOnlySpan<char> text) => text.IndexOf(Start, StringComparison.Ordinal);

    // Segments are maximal runs (a dot is not a segment character), so one forward pass decides, with no backtracking.
    protected override bool TryMatchAt(ReadOnlySpan<char> text, int start, ref ScanCursor cursor, out DetectorMatch match)
    {
        if (start > 0 && IsSegmentChar(text[start - 1]))
        {
            return Miss(out match);
        }

        var header = SegmentEnd(text, start + Start.Length);
        if (header - start - Start.Length < 8 || !IsDot(text, header))
        {
            cursor.Position = header;
            return Miss(out match);
        }

        var payload = SegmentEnd(text, header + 1);
        if (payload - header - 1 < 2 || !IsDot(text, payload))
        {
            cursor.Position = payload;
            return Miss(out match);
        }

        var end = SegmentEnd(text, payload + 1);
        for (var extra = 0; extra < 2 && IsDot(text, end) && end + 1 < text.Length && IsSegmentChar(text[end + 1]); extra++)
        {
            end = SegmentEnd(text, end + 1);
        }

        return Hit(start, end - start, out match);
    }

    private static bool IsDot(ReadOnlySpan<char> text, int index) => index < text.Length && text[index] == '.';

    private static int SegmentEnd(ReadOnlySpan<char> text, int start)
    {
        var end = start;
        while (end < text.Length && IsSegmentChar(text[end]))
        {
            end++;
        }

        return end;
    }

    private static bool IsSegmentChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';
}
