using System.Text.Json;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ErrorTelemetry.Tests.AspNetCore;

[Collection(TestWebHost.Collection)]
public class HtmlProblemDetailsWriterTests
{
    private const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

    private static readonly ErrorDefinition Markup = new("ORDER_MARKUP", ErrorCategory.BusinessRule, "Orders <b>over</b> \"limits\" & more");

    [Fact]
    public async Task WriteAsync_BrowserAsks_AccessibleHtmlPageWithCodeAndTraceId()
    {
        await using var host = await StartAsync();

        using var response = await SendAsync(host, "/orders/ORDER_NOT_FOUND", BrowserAccept);
        var html = await response.Content.ReadAsStringAsync();
        var span = await host.ServerSpanAsync("/orders/ORDER_NOT_FOUND");

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains("<title>The order does not exist.</title>", html, StringComparison.Ordinal);
        Assert.Contains("<h1>The order does not exist.</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<code>ORDER_NOT_FOUND</code>", html, StringComparison.Ordinal);
        Assert.Contains($"<code>{span.TraceId}</code>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("jane.doe", html, StringComparison.Ordinal);
        Assert.Equal(1, host.FailureCount("ORDER_NOT_FOUND"));
    }

    [Fact]
    public async Task WriteAsync_TitleWithMarkup_HtmlEncoded()
    {
        await using var host = await StartAsync();

        using var response = await SendAsync(host, "/orders/ORDER_MARKUP", "text/html");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(422, (int)response.StatusCode);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("<h1>Orders &lt;b&gt;over&lt;/b&gt; &quot;limits&quot; &amp; more</h1>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_FrameworkNotFoundForABrowser_HtmlPageToo()
    {
        await using var host = await StartAsync();

        using var response = await SendAsync(host, "/nowhere", BrowserAccept);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<code>HTTP_NOT_FOUND</code>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("*/*")]
    [InlineData("text/html;q=0.5, application/json")]
    [InlineData("text/html, application/problem+json")]
    [InlineData("")]
    public async Task CanWrite_ClientDoesNotPreferHtml_ProblemJson(string accept)
    {
        await using var host = await StartAsync();

        using var response = await SendAsync(host, "/orders/ORDER_NOT_FOUND", accept);

        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("ORDER_NOT_FOUND", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task CanWrite_HtmlErrorPagesTurnedOff_ProblemJsonForBrowsersToo()
    {
        await using var host = await StartAsync(new Dictionary<string, string?> { ["ErrorTelemetry:ProblemDetails:HtmlErrorPages"] = "false" });

        using var response = await SendAsync(host, "/orders/ORDER_NOT_FOUND", BrowserAccept);

        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static Task<TestWebHost> StartAsync(IDictionary<string, string?>? settings = null) =>
        RequestFailuresTests.StartOrdersAsync(
            settings: settings,
            services: b => b.Services.Configure<ErrorTelemetryOptions>(o => o.AddDefinition(Markup)));

    private static async Task<HttpResponseMessage> SendAsync(TestWebHost host, string path, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        return await host.Client.SendAsync(request);
    }
}
