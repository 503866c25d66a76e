using System.Diagnostics;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;

namespace ErrorTelemetry.Tests.Correlation;

// The header name is process-wide while a host runs: never alongside other hosts.
[Collection(TestWebHost.Collection)]
public class MessageHeaderNameTests
{
    [Fact]
    public async Task StartAsync_ConfiguredHeaderName_MessagesCarryTheIdUnderThatNameUntilTheHostStops()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ErrorTelemetry:Correlation:HeaderName"] = "Request-Chain" });
        builder.AddErrorTelemetry();
        using var host = builder.Build();
        using var source = new ActivitySource("Messages." + Guid.NewGuid().ToString("N"));

        await host.StartAsync();
        var sent = new Dictionary<string, string>();
        var previous = Baggage.Current;
        Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["correlation.id"] = "order-5" });
        try
        {
            MessageContext.Inject(sent);
        }
        finally
        {
            Baggage.Current = previous;
        }

        string extracted;
        using (var scope = MessageContext.Extract(new Dictionary<string, string> { ["request-chain"] = "order-6" }, source, "orders process"))
        {
            extracted = scope.CorrelationId;
        }

        await host.StopAsync();
        var afterStop = new Dictionary<string, string>();
        Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["correlation.id"] = "order-7" });
        try
        {
            MessageContext.Inject(afterStop);
        }
        finally
        {
            Baggage.Current = previous;
        }

        Assert.Equal("order-5", sent["Request-Chain"]);
        Assert.DoesNotContain("X-Correlation-ID", sent.Keys);
        Assert.Equal("order-6", extracted);
        Assert.Equal("order-7", afterStop["X-Correlation-ID"]);
        Assert.Equal("X-Correlation-ID", MessageContext.CorrelationIdHeader);
    }
}
