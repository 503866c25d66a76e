namespace ErrorTelemetry.Tests.Redaction;

// Driven through the default engine, so ordering between detectors is part of what is tested. Every case
// states the whole expected output: the secret is gone and the context survives.
public class JwtDetectorTests
{
    internal const string Jwt =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    [Fact]
    public void Redact_Jwt_Replaced()
    {
        Assert.Equal("jwt [REDACTED:jwt] ok", TestRedactors.Default.Redact($"jwt {Jwt} ok"));
        Assert.Equal("\"[REDACTED:jwt]\"", TestRedactors.Default.Redact($"\"{Jwt}\""));
    }

    [Theory]
    [InlineData("eyJ alone")]
    [InlineData("keyJar.something.else")]
    public void Redact_NotAJwt_Unchanged(string input) =>
        Assert.Same(input, TestRedactors.Default.Redact(input));
}
