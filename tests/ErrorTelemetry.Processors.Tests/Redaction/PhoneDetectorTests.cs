namespace ErrorTelemetry.Tests.Redaction;

// Driven through the default engine, so ordering between detectors is part of what is tested. Every case
// states the whole expected output: the secret is gone and the context survives.
public class PhoneDetectorTests
{
    [Theory]
    [InlineData("Call +1 415 555 2671 today", "Call [REDACTED:phone] today")]
    [InlineData("tel:+14155552671", "tel:[REDACTED:phone]")]
    [InlineData("+44 20 7946 0958.", "[REDACTED:phone].")]
    [InlineData("(+1 (415) 555-2671)", "([REDACTED:phone])")]
    [InlineData("+49.30.1234.5678", "[REDACTED:phone]")]
    [InlineData("Call (415) 555-2671 today", "Call [REDACTED:phone] today")]
    [InlineData("dial=415-555-2671;", "dial=[REDACTED:phone];")]
    [InlineData("London 020 7946 0958.", "London [REDACTED:phone].")]
    [InlineData("portable: 06 12 34 56 78", "portable: [REDACTED:phone]")]
    [InlineData("\"(415)555 2671\"", "\"[REDACTED:phone]\"")]
    [InlineData("tel 415 555 2671, fax 415 555 2672", "tel [REDACTED:phone], fax [REDACTED:phone]")]
    public void Redact_Phone_Replaced(string input, string expected) =>
        Assert.Equal(expected, TestRedactors.Default.Redact(input));

    [Theory]
    [InlineData("2024-05-17T10:15:30+02:00")]
    [InlineData("v10.0.100+build.5 and 1.2.3+4")]
    [InlineData("+1234567.89 EUR")]
    [InlineData("x+12345678 and 1+12345678")]
    [InlineData("+1234567")]
    [InlineData("+0 123 456 789")]
    [InlineData("2024-05-17 10:15:30,123 and 17 05 2024")]
    [InlineData("12345678901 and order 1234567890123")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301 12345678-1234-1234-1234-123456789012")]
    [InlineData("v10.0.100 1.2.3.4 10.20.30.40 192.168.100.200")]
    [InlineData("1,234,567.89 EUR and 12 345 678,90")]
    [InlineData("order 1234 5678 9012")]
    [InlineData("415-555-2671-9 and 415 555-2671 and x415-555-2671")]
    [InlineData("10 15 30 and 415 555")]
    [InlineData("(1) 555 2671 and (415)")]
    [InlineData("batch 2024 06 12 34 56 78 99")]
    public void Redact_NotAPhone_Unchanged(string input) =>
        Assert.Same(input, TestRedactors.Default.Redact(input));
}
