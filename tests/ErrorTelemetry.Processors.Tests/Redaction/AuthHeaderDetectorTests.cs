namespace ErrorTelemetry.Tests.Redaction;

// Driven through the default engine, so ordering between detectors is part of what is tested. Every case
// states the whole expected output: the secret is gone and the context survives.
public class AuthHeaderDetectorTests
{
    [Theory]
    [InlineData("sent Bearer abcdef0123456789xyz to api", "sent Bearer [REDACTED:bearer] to api")]
    [InlineData("bearer 9f8e7d6c", "bearer [REDACTED:bearer]")]
    [InlineData("with Basic dXNlcjpwYXNzd29yZA== header", "with Basic [REDACTED:basic] header")]
    [InlineData("Basic dXNlcjpwYXNzd29yZA", "Basic [REDACTED:basic]")]
    public void Redact_Credential_SchemeKept(string input, string expected) =>
        Assert.Equal(expected, TestRedactors.Default.Redact(input));

    [Theory]
    [InlineData("Basic configuration is fine")]
    [InlineData("the bearer of bad news")]
    [InlineData("Basic aGVsbG8gd29ybGQ=")] // decodes to "hello world": no user:password
    public void Redact_Prose_Unchanged(string input) =>
        Assert.Same(input, TestRedactors.Default.Redact(input));
}
