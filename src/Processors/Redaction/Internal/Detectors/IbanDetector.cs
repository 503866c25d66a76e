using System.Buffers;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// International bank account numbers: two letters, two check digits and 11 to 30 letters or digits, optionally in
/// space-separated groups, whose ISO 13616 mod-97 checksum is 1, and whose country code and length are those of an
/// IBAN country (<see cref="IbanCountries"/>). The letters are all upper-case or all lower-case
/// (<c>gb82 west 1234 5698 7654 32</c>); mixed case is a random token, not an IBAN someone wrote.
/// </summary>
internal sealed class IbanDetector : BuiltInDetector
{
    private const int MinimumLength = 15;
    private const int MaximumLength = 34;

    private static readonly SearchValues<char> AsciiLettersAndDigits =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    public IbanDetector()
        : base("iban", DetectorAnchors.IbanStart)
    {
    }

    public override bool CanMatch(ReadOnlySpan<char> text) =>
        text.Length >= MinimumLength && text.IndexOfAnyInRange('0', '9') >= 0;

    // The check digits are the anchor: the country code is the two letters before them.
    protected override int FindAnchor(ReadOnlySpan<char> text) => text.IndexOfAny(Digits);

    // Reads at most MaximumLength characters from the anchor. An IBAN starts a run of letters and digits (nothing or
    // another character before it), with its check digit two into the run. The anchors are found in order, so when
    // this anchor is not that check digit, the run's one possible start is already behind (or was never an IBAN's),
    // and when it is but the run is no IBAN, every later start in the run has a letter or digit before it: either way
    // nothing matches before the run ends. The next country code can start one past the run's end, so its check digit
    // is two further (a 32-character hex id is checked once instead of per digit).
    protected override bool TryMatchAt(ReadOnlySpan<char> text, int digit, ref ScanCursor cursor, out DetectorMatch match)
    {
        var start = digit - 2;
        if (start >= 0 && (start == 0 || !char.IsAsciiLetterOrDigit(text[start - 1]))
            && digit + 1 < text.Length && char.IsAsciiDigit(text[digit + 1])
            && char.IsAsciiLetter(text[start]) && char.IsAsciiLetter(text[start + 1]))
        {
            var upper = char.IsAsciiLetterUpper(text[start]);
            if (char.IsAsciiLetterUpper(text[start + 1]) == upper
                && IbanCountries.LengthOf(text[start], text[start + 1]) is > 0 and var ibanLength
                && TryMeasure(text, start, upper, ibanLength, out var length))
            {
                return Hit(start, length, out match);
            }
        }

        var run = text[digit..].IndexOfAnyExcept(AsciiLettersAndDigits);
        cursor.Position = run < 0 ? text.Length : Math.Max(cursor.Position, digit + run + 3);
        return Miss(out match);
    }

    // Letters are read upper-cased, and only in the case of the country code. Only the country's own length can be an
    // IBAN, so no more characters are read than that.
    private static bool TryMeasure(ReadOnlySpan<char> text, int start, bool upper, int ibanLength, out int length)
    {
        Span<char> characters = stackalloc char[MaximumLength];
        var count = 0;
        var position = start;
        while (position < text.Length && count < ibanLength)
        {
            var c = text[position];
            if (IsPart(c, upper))
            {
                characters[count++] = char.ToUpperInvariant(c);
                position++;
            }
            else if (c == ' ' && count >= 4 && position + 1 < text.Length && IsPart(text[position + 1], upper))
            {
                position++;
            }
            else
            {
                break;
            }
        }

        if (count == ibanLength && (position == text.Length || !char.IsAsciiLetterOrDigit(text[position]))
            && Mod97(characters[..count]) == 1)
        {
            length = position - start;
            return true;
        }

        length = 0;
        return false;
    }

    private static bool IsPart(char c, bool upper) =>
        char.IsAsciiDigit(c) || (upper ? char.IsAsciiLetterUpper(c) : char.IsAsciiLetterLower(c));

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
