using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Correlation.Internal;

/// <summary>
/// Gives <see cref="MessageContext"/> the host's configured correlation header while the host runs, so a message
/// carries the id under the same name as an HTTP request. <see cref="MessageContext"/> is static, so the name is
/// process-wide: one service per process, as the README's known limits say.
/// </summary>
internal sealed class MessageHeaderName : IHostedService
{
    private readonly string _headerName;

    public MessageHeaderName(IOptions<CorrelationOptions> options)
    {
        // Start-up validation has run by the time hosted services are built, so the name is a valid header name.
        _headerName = options.Value.HeaderName;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        MessageContext.UseCorrelationIdHeader(_headerName);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        MessageContext.ResetCorrelationIdHeader(_headerName);
        return Task.CompletedTask;
    }
}
