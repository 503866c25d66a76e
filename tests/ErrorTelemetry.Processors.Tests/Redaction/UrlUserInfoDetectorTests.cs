namespace ErrorTelemetry.Tests.Redaction;

// Driven through the default engine, so ordering between detectors is part of what is tested. Every case
// states the whole expected output: the secret is gone and the context survives.
public class UrlUserInfoDetectorTests
{
    [Theory]
    [InlineData("postgres://app:Hunter2!@db:5432/orders", "postgres://REDACTED:REDACTED@db:5432/orders")]
    [InlineData("https://user:p/a#ss@example.com/x", "https://REDACTED:REDACTED@example.com/x")]
    [InlineData("git clone https://x-token@github.com/o/r", "git clone https://REDACTED@github.com/o/r")]
    public void Redact_UserInfo_Replaced(string input, string expected) =>
        Assert.Equal(expected, TestRedactors.Default.Redact(input));

    [Theory]
    [InlineData("http://host:8080/a@b")]
    [InlineData("http://localhost:5000/health")]
    public void Redact_NoUserInfo_Unchanged(string input) =>
        Assert.Same(input, TestRedactors.Default.Redact(input));
}
