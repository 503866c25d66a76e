namespace ErrorTelemetry.Tests.Redaction;

// Driven through the default engine, so ordering between detectors is part of what is tested. Every case
// states the whole expected output: the secret is gone and the context survives.
public class EmailDetectorTests
{
    [Theory]
    [InlineData("Customer bob.smith+vip@example.co.uk not found", "Customer [REDACTED:email] not found")]
    [InlineData("mailto:alice@example.com", "mailto:[REDACTED:email]")]
    [InlineData("<a_b-c%d@sub.example.org>", "<[REDACTED:email]>")]
    [InlineData("to: x@y.io, cc: z@w.io.", "to: [REDACTED:email], cc: [REDACTED:email].")]
    [InlineData("@bob wrote bob@example.com", "@bob wrote [REDACTED:email]")]
    [InlineData("lookup for jane.doe%40example.com failed", "lookup for [REDACTED:email] failed")]
    [InlineData("q=a_b%2Bvip%40sub.example.org&page=2", "q=[REDACTED:email]&page=2")]
    [InlineData("from jane@github.com:org/repo.git", "from [REDACTED:email]:org/repo.git")]
    [InlineData("git@github.com: bounced", "[REDACTED:email]: bounced")]
    public void Redact_Email_Replaced(string input, string expected) =>
        Assert.Equal(expected, TestRedactors.Default.Redact(input));

    [Theory]
    [InlineData("lodash@4.17.21")]
    [InlineData("root@localhost")]
    [InlineData("@mention and @@ and a@")]
    [InlineData("SELECT * FROM users WHERE id = @id")]
    [InlineData("100%40 of cases, 25%40off and 50%4")]
    [InlineData("progress 50% done, %40 alone")]
    [InlineData("git@github.com:org/repo.git")] // an scp-like git remote, not an address
    [InlineData("clone of git@gitlab.example.com:team/app.git failed")]
    public void Redact_NotAnEmail_Unchanged(string input) =>
        Assert.Same(input, TestRedactors.Default.Redact(input));
}
