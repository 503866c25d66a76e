namespace ErrorTelemetry.Tests.Redaction;

// Driven through the default engine, so ordering between detectors is part of what is tested. Every case
// states the whole expected output: the secret is gone and the context survives.
public class KeyValueDetectorTests
{
    [Theory]
    [InlineData("Server=db;User Id=app;Password=Hunter2!;Database=orders", "Server=db;User Id=app;Password=[REDACTED:password];Database=orders")]
    [InlineData("Login failed: Server=db;User ID=app;Pwd=Hunter 2!", "Login failed: Server=db;User ID=app;Pwd=[REDACTED:password]")]
    [InlineData("Password=Hunter 2;Server=db", "Password=[REDACTED:password];Server=db")]
    [InlineData("Driver={SQL Server};Server=db;Pwd={a;b};Trusted=no", "Driver={SQL Server};Server=db;Pwd=[REDACTED:password];Trusted=no")]
    [InlineData("retry with pwd=abc123 later", "retry with pwd=[REDACTED:password] later")]
    [InlineData("{\"password\":\"hun\\\"ter2\",\"user\":\"bob\"}", "{\"password\":\"[REDACTED:password]\",\"user\":\"bob\"}")]
    [InlineData("{\\\"client_secret\\\":\\\"abc\\\"}", "{\\\"client_secret\\\":\\\"[REDACTED:secret]\\\"}")]
    [InlineData("Authorization: Bearer abc.def.ghi\nHost: x", "Authorization: [REDACTED:authorization]\nHost: x")]
    [InlineData("X-Api-Key: abc123 sent", "X-Api-Key: [REDACTED:api_key] sent")]
    [InlineData("authorization=Basic dXNlcjpwYXNz rest", "authorization=[REDACTED:authorization] rest")]
    [InlineData("<password>hunter2</password>", "<password>[REDACTED:password]</password>")]
    [InlineData("refresh_token: 'r-123'", "refresh_token: '[REDACTED:token]'")]
    [InlineData("Cookie: a=1; session=xyz", "Cookie: [REDACTED:cookie]")]
    [InlineData("run --password hunter2 --verbose", "run --password [REDACTED:password] --verbose")]
    [InlineData("--api-key \"a b\" x", "--api-key \"[REDACTED:api_key]\" x")]
    [InlineData("phone: 415-555-2671 (home)", "phone: [REDACTED:phone] (home)")]
    [InlineData("session: 3 ok", "session: [REDACTED:session] ok")]
    [InlineData("session: 3f9a of 5", "session: [REDACTED:session] of 5")]
    [InlineData("session=12345 of 5", "session=[REDACTED:session] of 5")]
    public void Redact_SensitiveAssignment_ValueReplaced(string input, string expected) =>
        Assert.Equal(expected, TestRedactors.Default.Redact(input));

    [Theory]
    [InlineData("token_count=42 model=gpt")]
    [InlineData("password_length: 12, attempts: 3")]
    [InlineData("Content-Type: application/json")]
    [InlineData("at 10:15:30 x==y a=>b")]
    [InlineData("possession: 9/10")]
    [InlineData("session: 3 of 5")] // a count, not a session id
    [InlineData("Session 2/3 done; session: 12 of 40")]
    [InlineData("run --password-file /etc/x --token-count 5 a--password b")]
    public void Redact_OrdinaryAssignment_Unchanged(string input) =>
        Assert.Same(input, TestRedactors.Default.Redact(input));
}
