using System.Buffers;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>AWS access key ids: 20 upper-case letters and digits starting with a known prefix
/// (<c>AKIA</c>, <c>ASIA</c>, …). Secret access keys are found by their key (<c>aws_secret_access_key=</c>).</summary>
internal sealed class AwsAccessKeyDetector : BuiltInDetector
{
    private const int KeyLength = 20;
    internal static readonly string[] KeyPrefixes =
        ["AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AIPA", "ANPA", "ANVA", "APKA", "AROA", "ASCA", "A3T"];

    private static readonly SearchValues<string> Prefixes = SearchValues.Create(KeyPrefixes, StringComparison.Ordinal);

    public AwsAccessKeyDetector()
        : base("aws_key", DetectorAnchors.AwsPrefix)
    {
    }

    public override bool CanMatch(ReadOnlySpan<char> text) => text.IndexOfAny(Prefixes) >= 0;

    protected override int FindAnchor(ReadOnlySpan<char> text) => text.IndexOfAny(Prefixes);

    protected override bool TryMatchAt(ReadOnlySpan<char> text, int start, ref ScanCursor cursor, out DetectorMatch match)
    {
        if (start > 0 && IsKeyChar(text[start - 1]))
        {
            return Miss(out match);
        }

        var end = start;
        while (end < text.Length && IsKeyChar(text[end]))
        {
            end++;
        }

        if (end - start == KeyLength)
        {
            return Hit(start, KeyLength, out match);
        }

        cursor.Position = end;
        return Miss(out match);
    }

    private static bool IsKeyChar(char c) => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c);
}
