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
}
