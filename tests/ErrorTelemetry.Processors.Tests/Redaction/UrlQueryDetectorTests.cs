namespace ErrorTelemetry.Tests.Redaction;

// Driven through the default engine, so ordering between detectors is part of what is tested. Every case
// states the whole expected output: the secret is gone and the context survives.
public class UrlQueryDetectorTests
{
    [Theory]
    [InlineData("GET https://api.example.com/v1/items?token=abc123&page=2", "GET https://api.example.com/v1/items?token=[REDACTED]&page=2")]
    [InlineData("https://s3/b/o?X-Amz-Credential=AKIA%2F20240517&X-Amz-Signature=deadbeef&x=1", "https://s3/b/o?X-Amz-Credential=[REDACTED]&X-Amz-Signature=[REDACTED]&x=1")]
    [InlineData("https://app/cb#access_token=xyz&state=1", "https://app/cb#access_token=[REDACTED]&state=1")]
    [InlineData("code=abc&state=xyz", "code=[REDACTED]&state=xyz")]
    [InlineData("https://maps/api?key=AIzaXYZ&q=x", "https://maps/api?key=[REDACTED]&q=x")]
    [InlineData("https://x/cb?code=4/0AX4XfWh-Abc_12&key=a1b2-c3d4", "https://x/cb?code=[REDACTED]&key=[REDACTED]")]
    [InlineData("https://x/cb?code=SplxlOBeZQQYbYS6WxSbIA&key=Cart-Items", "https://x/cb?code=[REDACTED]&key=[REDACTED]")]
    [InlineData("https://x/?api_key=cart-items&code=ABCDEFGHIJKLMNOPQRSTUVWXYZ12", "https://x/?api_key=[REDACTED]&code=[REDACTED]")]
    [InlineData("https://x/y?my_api_key=abc&sig=1f2e", "https://x/y?my_api_key=[REDACTED]&sig=[REDACTED]")]
    [InlineData("\"https://x/y?password=p4ss\"", "\"https://x/y?password=[REDACTED]\"")]
    public void Redact_SensitiveParameter_ValueReplaced(string input, string expected) =>
        Assert.Equal(expected, TestRedactors.Default.Redact(input));

    [Fact]
    public void Redact_ConfiguredParameter_ValueReplaced()
    {
        var redactor = TestRedactors.Create(o => o.SensitiveQueryParameters.Add("tenant_hint"));
        Assert.Equal("https://x/?tenant_hint=[REDACTED]&a=b", redactor.Redact("https://x/?tenant_hint=contoso&a=b"));
    }

    [Theory]
    [InlineData("https://example.com/api/orders/42?page=2&sort=desc")]
    [InlineData("error code=500 returned")]
    [InlineData("token_count=42&model=gpt")]
    [InlineData("https://shop.example.com/cart?code=SUMMER24&key=cart-items")] // a promo code, a cache key
    [InlineData("?key=order_lines&code=FREESHIP")]
    public void Redact_OrdinaryQuery_Unchanged(string input) =>
        Assert.Same(input, TestRedactors.Default.Redact(input));
}
