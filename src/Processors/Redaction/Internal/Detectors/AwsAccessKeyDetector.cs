using System.Buffers;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>AWS access key ids: 20 upper-case letters and digits starting with a known prefix
/// (<c>AKIA</c>, <c>ASIA</c>, …). Secret access keys are found by their key (<c>aws_secret_access_key=</c>).</summary>
internal sealed class AwsAccessKeyDetector : BuiltInDetector
{
    private const int KeyLength = 20;
    private static readonly SearchValues<string> Prefixes = SearchValues.Create(
        ["AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AIPA", "ANPA", "ANVA", "APKA", "AROA", "ASCA", "A3T"],
        StringComparison.Ordinal);

    public AwsAccessKeyDetector()
        : base("aws_key")
    {
    }

    public override bool CanMatch(ReadOnlySpan<char> text) => text.IndexOfAny(Prefixes) >= 0;

    internal override bool TryFindReplacement(
        ReadOnlySpan<char> text, int startAt, out int index, out int length, out string replacement)
    {
        var position = startAt;
        while (position < text.Length)
        {
            var found = text[position..].IndexOfAny(Prefixes);
            if (found < 0)
            {
                break;
            }

            var start = position + found;
            position = start + 1;
            if (start > 0 && IsKeyChar(text[start - 1]))
            {
                continue;
            }

            var end = start;
            while (end < text.Length && IsKeyChar(text[end]))
            {
                end++;
            }

            if (end - start == KeyLength)
            {
                index = start;
                length = KeyLength;
                replacement = Replacement;
                return true;
            }

            position = end;
        }

        return NotFound(out index, out length, out replacement);
    }

    private static bool IsKeyChar(char c) => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c);
}
