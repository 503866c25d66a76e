using ErrorTelemetry.Redaction.Internal;

namespace ErrorTelemetry.Tests.Redaction;

// Driven through the default engine, so ordering between detectors is part of what is tested. Every case
// states the whole expected output: the secret is gone and the context survives.
public class CookieDetectorTests
{
    private static readonly Redactor CookieOnly = TestRedactors.Create(o => o.DisabledDetectors.Add("key_value"));

    [Theory]
    [InlineData("Cookie: sid=abc123; theme=dark", "Cookie: sid=[REDACTED:cookie]; theme=[REDACTED:cookie]")]
    [InlineData("request cookie:sid=abc123;.AspNetCore.Cookies=CfDJ8x\nnext", "request cookie:sid=[REDACTED:cookie];.AspNetCore.Cookies=[REDACTED:cookie]\nnext")]
    [InlineData("Set-Cookie: sid=abc123; Path=/; HttpOnly", "Set-Cookie: sid=[REDACTED:cookie]; Path=/; HttpOnly")]
    [InlineData("Cookie: a=; sid=abc123 next", "Cookie: a=; sid=[REDACTED:cookie] next")]
    [InlineData("Cookie: sid=\"abc\"; x=y", "Cookie: sid=[REDACTED:cookie]; x=[REDACTED:cookie]")]
    public void Redact_CookieHeader_ValuesReplacedNamesKept(string input, string expected) =>
        Assert.Equal(expected, CookieOnly.Redact(input));

    // The key_value detector's header rule then takes the rest of the line, names included: stricter, never looser.
    [Theory]
    [InlineData("Cookie: sid=abc123; theme=dark", "Cookie: [REDACTED:cookie]")]
    [InlineData("Set-Cookie: sid=abc123; Path=/; HttpOnly", "Set-Cookie: [REDACTED:cookie]")]
    [InlineData("GET /cart\nCookie: .AspNetCore.Session=CfDJ8abc; theme=dark\nAccept: */*", "GET /cart\nCookie: [REDACTED:cookie]\nAccept: */*")]
    public void Redact_CookieHeaderDefaultEngine_ValuesGone(string input, string expected) =>
        Assert.Equal(expected, TestRedactors.Default.Redact(input));

    [Theory]
    [InlineData("the cookie: it was stale")]
    [InlineData("X-Cookie: sid=abc123 and nocookie: a=b")]
    [InlineData("Cookie: sid=[REDACTED:cookie]; theme=[REDACTED:cookie]")]
    [InlineData("Cookie: ")]
    public void Redact_NotACookieHeader_Unchanged(string input) =>
        Assert.Same(input, CookieOnly.Redact(input));
}
