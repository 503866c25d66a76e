namespace ErrorTelemetry.Tests.Redaction;

// Driven through the default engine, so ordering between detectors is part of what is tested. Every case
// states the whole expected output: the secret is gone and the context survives.
public class ApiKeyDetectorTests
{
    [Theory]
    [InlineData("sk_live_4eC39HqLyjWDarjtT1zdp7dc")]
    [InlineData("sk_test_4eC39HqLyjWDarjtT1zdp7dc")]
    [InlineData("rk_live_4eC39HqLyjWDarjtT1zdp7dc")]
    [InlineData("ghp_abcdefghijklmnopqrstuvwxyz0123456789")]
    [InlineData("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz")]
    [InlineData("xoxb-1234567890-abcdefghijkl")]
    [InlineData("AIzaSyA-1234567890abcdefghijklmnopqrstu")]
    [InlineData("glpat-abcdefghij0123456789")]
    [InlineData("npm_abcdefghijklmnopqrstuvwxyz0123456789")]
    [InlineData("sk-proj-abcdefghijklmnopqrstuvwxyz012345")]
    [InlineData("sk-abcdefghijklmnopqrstuvwxyz0123456789")]
    [InlineData("sk-ant-api03-abcdEFGHijklMNOPqrst_uvwxYZ0123-456789AA")]
    public void Redact_ProviderKey_Replaced(string key) =>
        Assert.Equal("using [REDACTED:api_key] here", TestRedactors.Default.Redact($"using {key} here"));

    [Theory]
    [InlineData("task-list-abcdefghijklmnopqrstuvwxyz")]
    [InlineData("ghp_short and sk_live_x")]
    [InlineData("disk-usage-report")]
    [InlineData("sk-winter-jacket-blue-xl-2024")] // a product SKU: words joined by dashes
    [InlineData("sku sk-winter-jacket-blue-xl-2024-limited-edition-extra")]
    public void Redact_NotAKey_Unchanged(string input) =>
        Assert.Same(input, TestRedactors.Default.Redact(input));
}
