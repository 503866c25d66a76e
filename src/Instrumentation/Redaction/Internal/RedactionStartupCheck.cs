using ErrorTelemetry.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Logs the redaction start-up warnings once: pseudonymized keys without a key, and a logger factory replaced by
/// another library (so console and other providers write unredacted text).
/// </summary>
internal sealed class RedactionStartupCheck : IHostedService
{
    private const string ExtendedLoggerFactoryName = "Microsoft.Extensions.Logging.ExtendedLoggerFactory";

    private readonly IServiceProvider _services;
    private readonly ILogger _logger;

    public RedactionStartupCheck(IServiceProvider services, ILoggerFactory loggerFactory)
    {
        _services = services;
        _logger = loggerFactory.CreateLogger("ErrorTelemetry.Redaction");
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var redactor = _services.GetRequiredService<Redactor>();
        redactor.ReportStartupWarnings();
        if (redactor.PseudonymizationWarning is { } warning)
        {
            Log.RedactionWarning(_logger, warning);
        }

        var factory = _services.GetRequiredService<ILoggerFactory>();
        if (_services.GetService<RedactionServiceCollectionExtensions.LogRedactionMarker>() is { } marker
            && factory is not RedactingLoggerFactory && !ReferenceEquals(factory, marker.DecoratedFactory))
        {
            if (factory.GetType().FullName == ExtendedLoggerFactoryName)
            {
                throw new InvalidOperationException(
                    "Logging: EnableRedaction() was called after AddErrorTelemetry(), so its logger factory replaced "
                    + "ErrorTelemetry's and console and other logging providers would write unredacted text. Call "
                    + "builder.Logging.EnableRedaction() before builder.AddErrorTelemetry(); ErrorTelemetry then keeps "
                    + "its factory and redacts what every provider writes.");
            }

            Log.RedactionWarning(_logger, $"ILoggerFactory is {factory.GetType().FullName}, not ErrorTelemetry's; console and other logging providers write unredacted text. Register ErrorTelemetry after the library that replaces the logger factory, or turn those providers off.");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
