namespace ErrorTelemetry.Tests.Redaction;

// Driven through the default engine, so ordering between detectors is part of what is tested. Every case
// states the whole expected output: the secret is gone and the context survives.
public class SsnDetectorTests
{
    [Theory]
    [InlineData("SSN 123-45-6789 on file", "SSN [REDACTED:ssn] on file")]
    [InlineData("(078-05-1120)", "([REDACTED:ssn])")]
    [InlineData("a-b 123-45-6789", "a-b [REDACTED:ssn]")]
    public void Redact_Ssn_Replaced(string input, string expected) =>
        Assert.Equal(expected, TestRedactors.Default.Redact(input));

    [Theory]
    [InlineData("never issued 000-12-3456 666-12-3456 912-12-3456 123-00-4567 123-45-0000")]
    [InlineData("date 2024-05-17")]
    [InlineData("part 123-45-67890")]
    [InlineData("ref A123-45-6789")]
    public void Redact_NotAnSsn_Unchanged(string input) =>
        Assert.Same(input, TestRedactors.Default.Redact(input));
}
