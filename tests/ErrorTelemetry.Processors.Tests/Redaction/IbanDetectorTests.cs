using System.Globalization;
using System.Text;
using ErrorTelemetry.Redaction.Internal;

namespace ErrorTelemetry.Tests.Redaction;

// Driven through the default engine, so ordering between detectors is part of what is tested. Every case
// states the whole expected output: the secret is gone and the context survives.
public class IbanDetectorTests
{
    [Theory]
    [InlineData("Pay to DE89 3704 0044 0532 0130 00 today", "Pay to [REDACTED:iban] today")]
    [InlineData("iban=GB82WEST12345698765432", "iban=[REDACTED:iban]")]
    [InlineData("FR1420041010050500013M02606 and NL91ABNA0417164300", "[REDACTED:iban] and [REDACTED:iban]")]
    [InlineData("DE89 3704 0044 0532 0130 00 EUR", "[REDACTED:iban] EUR")]
    [InlineData("GB82 WEST 1234 5698 7654 32", "[REDACTED:iban]")]
    [InlineData("to gb82 west 1234 5698 7654 32.", "to [REDACTED:iban].")]
    [InlineData("iban: gb82west12345698765432", "iban: [REDACTED:iban]")]
    [InlineData("de89370400440532013000", "[REDACTED:iban]")]
    // A miss inside a run of letters and digits skips the rest of the run: the IBAN right after the run still counts.
    [InlineData("a1b2c3d4e5f60718293a4b5c6d7e8f90-DE89370400440532013000", "a1b2c3d4e5f60718293a4b5c6d7e8f90-[REDACTED:iban]")]
    [InlineData("ab12cd34 de89370400440532013000", "ab12cd34 [REDACTED:iban]")]
    [InlineData("x9 DE89370400440532013000", "x9 [REDACTED:iban]")]
    [InlineData("1a2b3c/GB82WEST12345698765432/", "1a2b3c/[REDACTED:iban]/")]
    public void Redact_Iban_Replaced(string input, string expected) =>
        Assert.Equal(expected, TestRedactors.Default.Redact(input));

    [Theory]
    [InlineData("Pay to DE89 3704 0044 0532 0130 01 today")] // checksum fails
    [InlineData("GB82WEST12345698765433")]
    [InlineData("SKU AB12CDEF34567890XY")]
    [InlineData("PO61189208659950")] // mod-97 passes, but PO is no IBAN country
    [InlineData("DE8937040044053201300")] // mod-97 aside, a German IBAN has 22 characters
    [InlineData("de89370400440532013001")] // checksum fails
    [InlineData("gb82WEST12345698765432")] // mixed case is a token, not an IBAN someone wrote
    [InlineData("Gb82west12345698765432")]
    [InlineData("xgb82west12345698765432")]
    [InlineData("3f2ade89370400440532013000c1b2a4")] // an IBAN inside a hex id has no boundary before it
    public void Redact_NotAnIban_Unchanged(string input) =>
        Assert.Same(input, TestRedactors.Default.Redact(input));

    [Fact]
    public void Mod97_ValidAndInvalid_ReturnsRemainder()
    {
        Assert.Equal(1, IbanDetector.Mod97("DE89370400440532013000"));
        Assert.NotEqual(1, IbanDetector.Mod97("DE89370400440532013001"));
        Assert.NotEqual(1, IbanDetector.Mod97("DE88370400440532013000"));
    }

    // The anchor search skips the rest of a run of letters and digits once its one possible start is decided, and
    // reads no further than the country's length: it must find exactly what the definition (class summary) finds, on
    // texts of IBANs, hex ids and runs glued to them.
    [Fact]
    public void TryFind_RandomTexts_FindsWhatTheDefinitionFinds()
    {
        string[] fragments =
        [
            "DE89370400440532013000", "de89370400440532013000", "DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432",
            "gb82 west 1234 5698 7654 32", "NL91ABNA0417164300", "BE68539007547034", "be68539007547034", "GB82west12345698765432",
            "DE8937040044053201300", "ad12", "be6853", "ee", "de89", " ", " ", "-", "/", ":", "x", "7", "42", "  ",
        ];
        var random = new Random(1313);
        var detector = new IbanDetector();
        var ibans = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var text = new StringBuilder();
            for (var count = random.Next(1, 7); count > 0; count--)
            {
                text.Append(random.Next(4) == 0
                    ? Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64()))[..random.Next(1, 17)]
                    : fragments[random.Next(fragments.Length)]);
            }

            var value = text.ToString();
            var expected = ByDefinition(value);
            var found = new List<(int Index, int Length)>();
            var start = 0;
            while (start < value.Length && detector.TryFind(value, start, out var index, out var length))
            {
                found.Add((index, length));
                start = index + length;
            }

            Assert.True(expected.SequenceEqual(found), string.Create(CultureInfo.InvariantCulture, $"'{value}': expected {string.Join(',', expected)}, found {string.Join(',', found)}"));
            ibans += expected.Count;
        }

        // The texts held IBANs at boundaries and inside runs alike.
        Assert.True(ibans > 2_000, $"{ibans} IBANs");
    }

    [Fact]
    public void Redact_CorrelationIds_Unchanged()
    {
        for (var i = 0; i < 10_000; i++)
        {
            var id = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
            Assert.Same(id, TestRedactors.Default.Redact(id));
        }
    }

    private static List<(int Index, int Length)> ByDefinition(string text)
    {
        var found = new List<(int Index, int Length)>();
        for (var start = 0; start + 4 <= text.Length; start++)
        {
            if (ByDefinitionAt(text, start) is > 0 and var length)
            {
                found.Add((start, length));
                start += length - 1;
            }
        }

        return found;
    }

    private static int ByDefinitionAt(string text, int start)
    {
        if ((start > 0 && char.IsAsciiLetterOrDigit(text[start - 1]))
            || !char.IsAsciiLetter(text[start]) || !char.IsAsciiLetter(text[start + 1])
            || char.IsAsciiLetterUpper(text[start]) != char.IsAsciiLetterUpper(text[start + 1])
            || !char.IsAsciiDigit(text[start + 2]) || !char.IsAsciiDigit(text[start + 3]))
        {
            return 0;
        }

        var upper = char.IsAsciiLetterUpper(text[start]);
        bool IsPart(char c) => char.IsAsciiDigit(c) || (upper ? char.IsAsciiLetterUpper(c) : char.IsAsciiLetterLower(c));
        var characters = new StringBuilder();
        var position = start;
        var longest = 0;
        var longestEnd = 0;
        while (position < text.Length && characters.Length < 34)
        {
            if (IsPart(text[position]))
            {
                characters.Append(char.ToUpperInvariant(text[position++]));

                // Every length the country could have, bounded by something other than a letter or digit.
                if (characters.Length >= 2 && characters.Length == IbanCountries.LengthOf(characters[0], characters[1])
                    && (position == text.Length || !char.IsAsciiLetterOrDigit(text[position]))
                    && IbanDetector.Mod97(characters.ToString()) == 1)
                {
                    longest = characters.Length;
                    longestEnd = position;
                }
            }
            else if (text[position] == ' ' && characters.Length >= 4 && position + 1 < text.Length && IsPart(text[position + 1]))
            {
                position++;
            }
            else
            {
                break;
            }
        }

        return longest > 0 ? longestEnd - start : 0;
    }
}
