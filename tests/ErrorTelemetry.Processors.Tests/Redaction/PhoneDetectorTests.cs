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
    public void Redact_Phone_Replaced(string input, string expected) =>
        Assert.Equal(expected, TestRedactors.Default.Redact(input));

    [Theory]
    [InlineData("2024-05-17T10:15:30+02:00")]
    [InlineData("v10.0.100+build.5 and 1.2.3+4")]
    [InlineData("+1234567.89 EUR")]
    [InlineData("x+12345678 and 1+12345678")]
    [InlineData("+1234567")]
    [InlineData("+0 123 456 789")]
    public void Redact_NotAPhone_Unchanged(string input) =>
        Assert.Same(input, TestRedactors.Default.Redact(input));
}
