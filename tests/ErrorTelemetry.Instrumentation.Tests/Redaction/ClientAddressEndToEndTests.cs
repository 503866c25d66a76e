using System.Diagnostics;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ErrorTelemetry.Tests.Redaction;

/// <summary>
/// Client IP addresses through a real application (Kestrel on 127.0.0.1): the application records the caller's
/// address on the server span as <c>client.address</c> (the ASP.NET Core instrumentation in use leaves it out, so
/// apps add it, as semantic conventions ask) and logs it as a log attribute.
/// </summary>
[Collection(TestWebHost.Collection)]
public class ClientAddressEndToEndTests
{
    [Fact]
    public async Task ServerSpanAndLog_DefaultOptions_ClientAddressExportedTruncated()
    {
        await using var host = await StartAsync(settings: null);

        var (span, log) = await CallAsync(host);

        Assert.Equal("127.0.0.0", span.Tag("client.address"));
        Assert.Equal("127.0.0.0", log.Attribute("RemoteIpAddress"));
        Assert.DoesNotContain("127.0.0.1", log.Dump(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerSpanAndLog_ClientAddressHandlingKeep_ClientAddressExportedWhole()
    {
        await using var host = await StartAsync(new Dictionary<string, string?> { ["ErrorTelemetry:Redaction:ClientAddressHandling"] = "Keep" });

        var (span, log) = await CallAsync(host);

        Assert.Equal("127.0.0.1", span.Tag("client.address"));
        Assert.Equal("127.0.0.1", log.Attribute("RemoteIpAddress")?.ToString());
    }

    private static Task<TestWebHost> StartAsync(Dictionary<string, string?>? settings) =>
        TestWebHost.StartAsync(
            app => app.MapGet("/whoami", (HttpContext context, ILogger<ClientAddressEndToEndTests> logger) =>
            {
                Activity.Current?.SetTag("client.address", context.Connection.RemoteIpAddress?.ToString());
#pragma warning disable CA1848, CA1873 // One log line, with the address the test is about.
                logger.LogInformation("Request from {RemoteIpAddress}", context.Connection.RemoteIpAddress);
#pragma warning restore CA1848, CA1873
                return "ok";
            }),
            settings: settings,
            kestrel: true);

    private static async Task<(SpanSnapshot Span, LogSnapshot Log)> CallAsync(TestWebHost host)
    {
        using var response = await host.Client.GetAsync(new Uri("/whoami", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        var span = await host.ServerSpanAsync("/whoami");
        var log = Assert.Single(host.Logs.Items, l => l.Attributes.ContainsKey("RemoteIpAddress"));
        Assert.Equal(ActivityKind.Server, span.Kind);
        return (span, log);
    }
}
