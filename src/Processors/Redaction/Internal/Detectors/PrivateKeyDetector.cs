namespace ErrorTelemetry.Redaction.Internal;

/// <summary>PEM private key blocks (<c>-----BEGIN … PRIVATE KEY-----</c> to the matching END line, or to the end of
/// a truncated text). Certificates and public keys are left alone.</summary>
internal sealed class PrivateKeyDetector : BuiltInDetector
{
    private const string Begin = "-----BEGIN ";
    private const string End = "-----END ";
    private const string Dashes = "-----";

    public PrivateKeyDetector()
        : base("private_key")
    {
    }

    public override bool CanMatch(ReadOnlySpan<char> text) => text.IndexOf(Begin, StringComparison.Ordinal) >= 0;

    internal override bool TryFindReplacement(
        ReadOnlySpan<char> text, int startAt, out int index, out int length, out string replacement)
    {
        var position = startAt;
        while (position < text.Length)
        {
            var found = text[position..].IndexOf(Begin, StringComparison.Ordinal);
            if (found < 0)
            {
                break;
            }

            var begin = position + found;
            var labelStart = begin + Begin.Length;
            var labelLength = text[labelStart..].IndexOf(Dashes, StringComparison.Ordinal);
            if (labelLength < 0)
            {
                break;
            }

            var label = text.Slice(labelStart, labelLength);
            position = labelStart;
            if (labelLength > 64 || label.IndexOf("PRIVATE KEY", StringComparison.Ordinal) < 0)
            {
                continue;
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

            index = begin;
            length = end - begin;
            replacement = Replacement;
            return true;
        }

        return NotFound(out index, out length, out replacement);
    }
}
