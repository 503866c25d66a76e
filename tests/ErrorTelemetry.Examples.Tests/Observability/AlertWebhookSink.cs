using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ErrorTelemetry.Tests.Observability;

/// <summary>
/// Stands in for the pager / ticket / notification webhooks of alertmanager.yml: records every notification
/// Alertmanager posts, keyed by the receiver path (/alerts/pager, /alerts/tickets, /alerts/notifications).
/// </summary>
internal sealed class AlertWebhookSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Receiver, JsonElement Body)> _notifications;

    private AlertWebhookSink(WebApplication app, ConcurrentQueue<(string, JsonElement)> notifications, Uri baseAddress)
    {
        _app = app;
        _notifications = notifications;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IReadOnlyList<(string Receiver, JsonElement Body)> Notifications => [.. _notifications];

    public static async Task<AlertWebhookSink> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var notifications = new ConcurrentQueue<(string, JsonElement)>();
        app.MapPost("/alerts/{receiver}", async (string receiver, HttpRequest request) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            notifications.Enqueue((receiver, body.RootElement.Clone()));
            return Results.Ok();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new AlertWebhookSink(app, notifications, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
