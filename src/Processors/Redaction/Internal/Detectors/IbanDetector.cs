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

    // Reads at most MaximumLength characters from the anchor.
    protected override bool TryMatchAt(ReadOnlySpan<char> text, int digit, ref ScanCursor cursor, out DetectorMatch match)
    {
        var start = digit - 2;
        if (start > 0 && char.IsAsciiLetterOrDigit(text[start - 1]))
        {
            // Inside a run of letters and digits (a token, a hex id): no IBAN starts anywhere in the rest of the run,
            // since each start there has a letter or digit before it. The next country code can start one past the
            // run's end, so its check digit is two further (a 32-digit hex id is checked once instead of per digit).
            var run = text[start..].IndexOfAnyExcept(AsciiLettersAndDigits);
            cursor.Position = run < 0 ? text.Length : Math.Max(cursor.Position, start + run + 3);
            return Miss(out match);
        }

        if (start < 0 || digit + 1 >= text.Length
            || !char.IsAsciiLetter(text[start]) || !char.IsAsciiDigit(text[digit + 1]))
        {
            return Miss(out match);
        }

        var upper = char.IsAsciiLetterUpper(text[start]);
        if (char.IsAsciiLetterUpper(text[start + 1]) != upper || !char.IsAsciiLetter(text[start + 1]))
        {
            return Miss(out match);
        }

        return TryMeasure(text, start, upper, out var length) ? Hit(start, length, out match) : Miss(out match);
    }

    // Letters are read upper-cased, and only in the case of the country code.
    private static bool TryMeasure(ReadOnlySpan<char> text, int start, bool upper, out int length)
    {
        Span<char> characters = stackalloc char[MaximumLength];
        Span<int> endAfter = stackalloc int[MaximumLength + 1];
        var count = 0;
        var position = start;
        while (position < text.Length && count < MaximumLength)
        {
            var c = text[position];
            if (IsPart(c, upper))
            {
                characters[count++] = char.ToUpperInvariant(c);
                endAfter[count] = ++position;
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
