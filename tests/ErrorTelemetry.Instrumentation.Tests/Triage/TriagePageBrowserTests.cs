using System.Diagnostics;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.Playwright;

namespace ErrorTelemetry.Tests.Triage;

/// <summary>The triage page in a real browser (Debian's chromium through Playwright), served by a real Kestrel on 127.0.0.1.</summary>
[Collection(SerialWebHosts.Name)]
public class TriagePageBrowserTests
{
    [ToolFact(Chromium.Tool)]
    public async Task Page_InChromium_ListsFailuresFiltersLinksTracesAndShowsMarkupAsText()
    {
        await using var app = await TestWebApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["ErrorTelemetry:Triage:AuthorizationPolicy"] = TestWebApp.Policy,
                ["ErrorTelemetry:Triage:TraceLinkTemplate"] = TriagePageTests.Viewer,
            },
            endpoints: TriagePageTests.MapFailingEndpoints,
            telemetry: o => o.AddDefinition(TriagePageTests.OrderNotFound).AddDefinition(TriagePageTests.Injected),
            kestrel: true);
        var pageUrl = new Uri(app.Client.BaseAddress!, TriagePageTests.FailuresPath).ToString();
        await using var chromium = await Chromium.LaunchAsync();
        await using var onCall = await chromium.NewContextAsync(Headers("alice", "oncall"));

        // The failures come from outside the process (an HttpClient here would add client spans of its own).
        foreach (var path in new[] { "/orders/1", "/orders/2", "/pay", "/slow" })
        {
            var failed = await onCall.APIRequest.GetAsync(new Uri(app.Client.BaseAddress!, path).ToString());
            Assert.True(failed.Status >= 400);
        }

        app.Flush();
        var newestOrder = app.Spans.Items.Last(s => s.Kind == ActivityKind.Server && (string?)s.Tag("error.code") == "ORDER_NOT_FOUND");
        var page = await onCall.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, message) => violations.Add(message.Text);

        var served = await page.GotoAsync(pageUrl);
        Assert.Equal(200, served!.Status);
        // Most in the window first; a tie goes to the most recent.
        Assert.Equal(["ORDER_NOT_FOUND", "OPERATION_TIMEOUT", "PAYMENT_DECLINED"], await RowCodes(page));

        // The page's stylesheet is allowed by its CSP hash: the header row is styled, and the browser reported no violation.
        Assert.Equal("rgb(240, 240, 240)", await page.Locator("thead th").First.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        Assert.DoesNotContain(violations, v => v.Contains("Content Security Policy", StringComparison.Ordinal));

        // Markup from the catalog is text: no element was created, no script ran.
        Assert.Equal(0, await page.Locator("#injected, #injected-img, tbody b, tbody i, tbody img").CountAsync());
        Assert.Equal("Recent failures by code · ErrorTelemetry triage", await page.TitleAsync());
        var injectedRow = page.Locator("tbody tr", new() { HasText = "PAYMENT_DECLINED" });
        Assert.Contains("<script>document.title='pwned'</script><b id=\"injected\">bold</b>", await injectedRow.Locator("th").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("Ask the <i>customer</i> for another card.", await injectedRow.InnerTextAsync(), StringComparison.Ordinal);

        // The newest sample's link opens that trace at the failed span in the viewer.
        var orderRow = page.Locator("tbody tr", new() { HasText = "ORDER_NOT_FOUND" });
        Assert.Equal(
            $"https://jaeger.example.com/trace/{newestOrder.TraceId}?uiFind={newestOrder.SpanId}",
            await orderRow.Locator("a.trace").First.GetAttributeAsync("href"));
        Assert.Equal(2, await orderRow.Locator("a.trace").CountAsync());

        // The filter form works with the keyboard and no script: typing and Enter submit it to the server.
        await page.GetByLabel("Code").FillAsync("order");
        await page.GetByLabel("Code").PressAsync("Enter");
        await page.WaitForURLAsync(url => url.Contains("code=order", StringComparison.Ordinal));
        Assert.Equal(["ORDER_NOT_FOUND"], await RowCodes(page));
        await page.GetByLabel("Code").FillAsync(string.Empty);
        await page.GetByLabel("Severity").SelectOptionAsync("warning");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("severity=warning", StringComparison.Ordinal));
        Assert.Equal(["PAYMENT_DECLINED"], await RowCodes(page));

        // Callers the policy refuses see 401 (no user) or 403 (no on-call role), and no failure data.
        await using var anonymous = await chromium.NewContextAsync();
        var anonymousPage = await anonymous.NewPageAsync();
        var refused = await anonymousPage.GotoAsync(pageUrl);
        Assert.Equal(401, refused!.Status);
        Assert.DoesNotContain("ORDER_NOT_FOUND", await anonymousPage.ContentAsync(), StringComparison.Ordinal);

        await using var developer = await chromium.NewContextAsync(Headers("bob", "developer"));
        var developerPage = await developer.NewPageAsync();
        var forbidden = await developerPage.GotoAsync(pageUrl);
        Assert.Equal(403, forbidden!.Status);
        Assert.DoesNotContain("ORDER_NOT_FOUND", await developerPage.ContentAsync(), StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Headers(string user, string role) =>
        new() { [TestWebApp.UserHeader] = user, [TestWebApp.RoleHeader] = role };

    private static async Task<List<string>> RowCodes(IPage page) =>
        [.. await page.Locator("tbody tr th[scope=row] code").AllInnerTextsAsync()];
}
