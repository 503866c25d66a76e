namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// International bank account numbers: two upper-case letters, two check digits and 11 to 30 upper-case letters or
/// digits, optionally in space-separated groups, whose ISO 13616 mod-97 checksum is 1, and whose country code and
/// length are those of an IBAN country (<see cref="IbanCountries"/>). Lower-case IBANs are not
/// detected (they are rare in logs, and the checksum alone would let 1 in 97 random tokens through).
/// </summary>
internal sealed class IbanDetector : BuiltInDetector
{
    private const int MinimumLength = 15;
    private const int MaximumLength = 34;

    public IbanDetector()
        : base("iban", DetectorAnchors.IbanStart)
    {
    }

    public override bool CanMatch(ReadOnlySpan<char> text) =>
        text.Length >= MinimumLength && text.IndexOfAny(UpperLetters) >= 0 && text.IndexOfAny(Digits) >= 0;

    // Log text has few upper-case letters, so the country code is the cheapest anchor to search for.
    protected override int FindAnchor(ReadOnlySpan<char> text) => text.IndexOfAny(UpperLetters);

    // Reads at most MaximumLength characters from the anchor.
    protected override bool TryMatchAt(ReadOnlySpan<char> text, int start, ref ScanCursor cursor, out DetectorMatch match)
    {
        if (start + 3 >= text.Length
            || !char.IsAsciiLetterUpper(text[start + 1])
            || !char.IsAsciiDigit(text[start + 2]) || !char.IsAsciiDigit(text[start + 3])
            || (start > 0 && char.IsAsciiLetterOrDigit(text[start - 1])))
        {
            return Miss(out match);
        }

        return TryMeasure(text, start, out var length) ? Hit(start, length, out match) : Miss(out match);
    }

    private static bool TryMeasure(ReadOnlySpan<char> text, int start, out int length)
    {
        Span<char> characters = stackalloc char[MaximumLength];
        Span<int> endAfter = stackalloc int[MaximumLength + 1];
        var count = 0;
        var position = start;
        while (position < text.Length && count < MaximumLength)
        {
            var c = text[position];
            if (char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c))
            {
                characters[count++] = c;
                endAfter[count] = ++position;
            }
            else if (c == ' ' && count >= 4 && position + 1 < text.Length
                && (char.IsAsciiLetterUpper(text[position + 1]) || char.IsAsciiDigit(text[position + 1])))
            {
                position++;
            }
            else
            {
                break;
            }
        }

        for (var candidate = count; candidate >= MinimumLength; candidate--)
        {
            var end = endAfter[candidate];
            if (end < text.Length && char.IsAsciiLetterOrDigit(text[end]))
            {
                continue;
            }

            if (IbanCountries.HasCountryLength(characters[..candidate]) && Mod97(characters[..candidate]) == 1)
            {
                length = end - start;
                return true;
            }
        }

        length = 0;
        return false;
    }

    internal static int Mod97(ReadOnlySpan<char> iban)
    {
        var remainder = 0;
        for (var i = 0; i < iban.Length; i++)
        {
            // The country code and check digits move to the end.
            var c = iban[(i + 4) % iban.Length];
            remainder = char.IsAsciiDigit(c)
                ? ((remainder * 10) + (c - '0')) % 97
                : ((remainder * 100) + (c - 'A' + 10)) % 97;
        }

        return remainder;
    }
}
