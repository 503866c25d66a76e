using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Hosting.Internal;

/// <summary>
/// Builds the providers when the host starts (nothing listens to any source until something resolves them) and
/// flushes them when it stops. The container disposes them last, which exports whatever the final moments produced.
/// </summary>
internal sealed class TelemetryProvidersHostedService : IHostedService
{
    private readonly IServiceProvider _services;
    private TracerProvider? _tracerProvider;
    private MeterProvider? _meterProvider;
    private LoggerProvider? _loggerProvider;

    public TelemetryProvidersHostedService(IServiceProvider services)
    {
        _services = services;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _tracerProvider = _services.GetService<TracerProvider>();
        _meterProvider = _services.GetService<MeterProvider>();
        _loggerProvider = _services.GetService<LoggerProvider>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // Registered first, so stopped last: every other hosted service has finished reporting by now.
        _tracerProvider?.ForceFlush(5000);
        _loggerProvider?.ForceFlush(5000);
        _meterProvider?.ForceFlush(5000);
        return Task.CompletedTask;
    }
}
