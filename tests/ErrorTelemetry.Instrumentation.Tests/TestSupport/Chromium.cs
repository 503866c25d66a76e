using Microsoft.Playwright;

namespace ErrorTelemetry.Tests.TestSupport;

/// <summary>
/// Debian's chromium driven by Playwright: Playwright's own browser download cannot run here, so its executable
/// path points at the system browser (<c>apt-get install chromium</c>, done by <c>.ci/run</c>).
/// </summary>
internal sealed class Chromium : IAsyncDisposable
{
    public const string Tool = "chromium";

    private readonly IPlaywright _playwright;

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<Chromium> LaunchAsync()
    {
        var executable = ExternalTool.Require(Tool);
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = executable,
                Headless = true,
                // CI runs as root, where chromium's sandbox cannot start; the pages are the tests' own, on loopback.
                Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            });
            return new Chromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A fresh browser context (its own cookies), sending <paramref name="headers"/> with every request.</summary>
    public Task<IBrowserContext> NewContextAsync(IEnumerable<KeyValuePair<string, string>>? headers = null, int width = 1400, int height = 900) =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ExtraHTTPHeaders = headers,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
