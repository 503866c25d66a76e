namespace ErrorTelemetry.Tests.Redaction;

// Driven through the default engine, so ordering between detectors is part of what is tested. Every case
// states the whole expected output: the secret is gone and the context survives.
public class AwsAccessKeyDetectorTests
{
    [Fact]
    public void Redact_AccessKeyId_Replaced()
    {
        Assert.Equal("key [REDACTED:aws_key] used", TestRedactors.Default.Redact("key AKIAIOSFODNN7EXAMPLE used"));
        Assert.Equal("[REDACTED:aws_key]", TestRedactors.Default.Redact("ASIAY34FZKBOKMUTVV7A"));
    }

    [Theory]
    [InlineData("AKIAIOSFODNN7EXAMPL")] // 19 characters
    [InlineData("XAKIAIOSFODNN7EXAMPLE")]
    [InlineData("AKIAIOSFODNN7EXAMPLE1")]
    public void Redact_NotAnAccessKey_Unchanged(string input) =>
        Assert.Same(input, TestRedactors.Default.Redact(input));

    [Fact]
    public void Redact_SecretAccessKeyAssignment_ValueReplaced() =>
        Assert.Equal(
            "using aws_secret_access_key = [REDACTED:secret] now",
            TestRedactors.Default.Redact("using aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY now"));
}
