using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace ErrorTelemetry.Examples.Tests.Demo;

/// <summary>The demo as a user runs it (its executable, output to a pipe, so every frame ends with "---").</summary>
public partial class DemoTests
{
    [Fact]
    public async Task Demo_WithDuration_ShowsDashboardAndEachRowsNewestTraceLinkThenStopsCleanly()
    {
        var (exitCode, output) = await RunAsync(["--duration", "12", "--refresh", "2", "--rps", "30", "--storefront-url", FreeUrl(), "--inventory-url", FreeUrl()]);

        Assert.True(exitCode == 0, output);
        Assert.EndsWith("Demo stopped.", output.TrimEnd(), StringComparison.Ordinal);
        var frames = output.Split("\n---\n");
        var last = frames[^2];
        if (!File.Exists(DashboardPath()))
        {
            // Not linux-x64: the demo says why and goes on without the dashboard.
            Assert.Contains("export: none (", last, StringComparison.Ordinal);
            return;
        }

        var dashboard = DashboardLine().Match(last);
        Assert.True(dashboard.Success, last);

        // Both services' rows are in the final frame, and each linked row's link opens its newest trace at the failed span.
        var rows = Row().Matches(last).ToDictionary(m => (m.Groups["service"].Value, m.Groups["code"].Value), m => m.Groups["trace"].Value);
        Assert.Contains(rows.Keys, k => k.Item1 == "inventory");
        Assert.Contains(rows.Keys, k => k.Item1 == "storefront");
        var links = Link().Matches(last).ToList();
        Assert.NotEmpty(links);
        foreach (var link in links)
        {
            Assert.Equal(dashboard.Groups["url"].Value.TrimEnd('/'), link.Groups["base"].Value);
            Assert.Equal(rows[(link.Groups["service"].Value, link.Groups["code"].Value)], link.Groups["trace"].Value);
        }

        // The storefront's checkout that failed downstream links to the same trace as the inventory's failure it caused.
        Assert.Equal(rows[("storefront", "CHECKOUT_ITEM_UNAVAILABLE")], rows[("inventory", "INVENTORY_OUT_OF_STOCK")]);
    }

    [Fact]
    public async Task Demo_PortInUse_NamesThePortAndTheCause()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;

        var (exitCode, output) = await RunAsync(["--duration", "5", "--storefront-url", $"http://127.0.0.1:{port}", "--inventory-url", FreeUrl()]);

        Assert.Equal(2, exitCode);
        Assert.Contains($"Port {port} for the storefront service is in use by another program (address already in use)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "Demo"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, (await stdout).Replace("\r\n", "\n", StringComparison.Ordinal) + await stderr);
    }

    private static string FreeUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
    }

    private static string DashboardPath() =>
        Path.Combine(
            Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
            "aspire.dashboard.sdk.linux-x64", "13.6.5", "tools", "Aspire.Dashboard");

    [GeneratedRegex(@"^Traces and logs: (?<url>http://127\.0\.0\.1:\d+/) \(Aspire dashboard\)$", RegexOptions.Multiline)]
    private static partial Regex DashboardLine();

    [GeneratedRegex(@"^(?<service>storefront|inventory) +(?<code>[A-Z_]+) +[a-z]+ +\d+ +\d+  (?<trace>[0-9a-f]{32}) ", RegexOptions.Multiline)]
    private static partial Regex Row();

    [GeneratedRegex(@"^  (?<service>storefront|inventory) +(?<code>[A-Z_]+) +(?<base>http://127\.0\.0\.1:\d+)/traces/detail/(?<trace>[0-9a-f]{32})\?spanId=[0-9a-f]{16}$", RegexOptions.Multiline)]
    private static partial Regex Link();
}
