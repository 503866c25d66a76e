namespace ErrorTelemetry.Redaction.Internal;

/// <summary>PEM private key blocks (<c>-----BEGIN … PRIVATE KEY-----</c> to the matching END line, or to the end of
/// a truncated text). Certificates and public keys are left alone.</summary>
internal sealed class PrivateKeyDetector : BuiltInDetector
{
    private const string Begin = "-----BEGIN ";
    private const string End = "-----END ";
    private const string Dashes = "-----";
    private const int MaximumLabelLength = 64;

    public PrivateKeyDetector()
        : base("private_key", DetectorAnchors.DoubleDash)
    {
    }

    public override bool CanMatch(ReadOnlySpan<char> text) => text.IndexOf(Begin, StringComparison.Ordinal) >= 0;

    protected override int FindAnchor(ReadOnlySpan<char> text) => text.IndexOf(Begin, StringComparison.Ordinal);

    protected override bool TryMatchAt(ReadOnlySpan<char> text, int anchor, ref ScanCursor cursor, out DetectorMatch match)
    {
        // The label ends at the next "-----"; a later BEGIN starts at or after it, so labels are read once.
        var labelStart = anchor + Begin.Length;
        var labelLength = text[labelStart..].IndexOf(Dashes, StringComparison.Ordinal);
        if (labelLength < 0)
        {
            cursor.Position = text.Length;
            return Miss(out match);
        }

        if (labelLength > MaximumLabelLength || text.Slice(labelStart, labelLength).IndexOf("PRIVATE KEY", StringComparison.Ordinal) < 0)
        {
            cursor.Position = labelStart;
            return Miss(out match);
        }

        var bodyStart = labelStart + labelLength + Dashes.Length;
        var end = text.Length;
        var endLine = text[bodyStart..].IndexOf(End, StringComparison.Ordinal);
        if (endLine >= 0)
        {
            var endLabelStart = bodyStart + endLine + End.Length;
            var endClose = text[endLabelStart..].IndexOf(Dashes, StringComparison.Ordinal);
            if (endClose >= 0)
            {
                end = endLabelStart + endClose + Dashes.Length;
            }
        }

        return Hit(anchor, end - anchor, out match);
    }
}
