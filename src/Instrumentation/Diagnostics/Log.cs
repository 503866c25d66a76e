using Microsoft.Extensions.Logging;

namespace ErrorTelemetry.Diagnostics;

/// <summary>
/// The log messages ErrorTelemetry's host integration writes through <see cref="ILogger"/>. Event ids are part of
/// the diagnostics contract: never renumber, only add. Ranges: 200-299 correlation and HttpClient.
/// </summary>
internal static partial class Log
{
    /// <summary>The logger category of correlation messages.</summary>
    public const string CorrelationCategory = "ErrorTelemetry.Correlation";

    [LoggerMessage(
        EventId = 200,
        EventName = "CorrelationIdReplaced",
        Level = LogLevel.Warning,
        Message = "The incoming correlation id from {CorrelationSource} was rejected ({Reason}, {Length} characters) and not used; the raw value is not logged")]
    public static partial void CorrelationIdReplaced(ILogger logger, string correlationSource, string reason, int length);
}
