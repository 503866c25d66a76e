// Takes docs/images/aspire-trace-checkout.png: the Aspire dashboard's trace view of a failed cross-service request,
// in Debian's chromium driven by Playwright (as the browser tests do). Run the demo, copy a CHECKOUT_ITEM_UNAVAILABLE
// link from its "Last trace of each row" list, then:
//   dotnet run docs/images/take-screenshot.cs -- <link> docs/images/aspire-trace-checkout.png
#:package Microsoft.Playwright@1.64.1
#:property PublishAot=false
#:property JsonSerializerIsReflectionEnabledByDefault=true
using Microsoft.Playwright;

var url = args[0];
var output = args[1];
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1600, Height = 900 }, ColorScheme = ColorScheme.Light });
await page.GotoAsync(url, new() { WaitUntil = WaitUntilState.NetworkIdle, Timeout = 60000 });
// The dashboard renders over a websocket after the page loads.
await page.WaitForTimeoutAsync(4000);
await page.ScreenshotAsync(new() { Path = output });
Console.WriteLine($"Saved {output}: {await page.TitleAsync()} at {page.Url}");
