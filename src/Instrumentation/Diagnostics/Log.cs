using Microsoft.Extensions.Logging;

namespace ErrorTelemetry.Diagnostics;

/// <summary>
/// The log lines ErrorTelemetry's ASP.NET Core features write through the application's logging, as
/// source-generated methods. Self-diagnostics of the processors go to <c>ErrorTelemetryEventSource</c> instead.
/// </summary>
/// <remarks>
/// Event ids are part of the operational contract (alerts filter on them): never renumber, only add. Ranges:
/// 1–99 the request pipeline (problem details);
/// 100–199 triage endpoint;
/// 200–299 correlation and HttpClient;
/// 300–399 health endpoints;
/// 400–499 redaction.
/// </remarks>
internal static partial class Log
{
    /// <summary>The logger category of the triage endpoint's access log.</summary>
    public const string TriageCategory = "ErrorTelemetry.Triage";

    /// <summary>The logger category of correlation messages.</summary>
    public const string CorrelationCategory = "ErrorTelemetry.Correlation";

    [LoggerMessage(EventId = 100, EventName = "TriageAccessAllowed", Level = LogLevel.Information,
        Message = "Triage endpoint {TriagePath} served to {Caller}")]
    public static partial void TriageAccessAllowed(ILogger logger, string triagePath, string caller);

    [LoggerMessage(EventId = 101, EventName = "TriageAccessRefused", Level = LogLevel.Warning,
        Message = "Triage endpoint {TriagePath} refused {Caller}: {Outcome} (HTTP {StatusCode})")]
    public static partial void TriageAccessRefused(ILogger logger, string triagePath, string caller, string outcome, int statusCode);

    [LoggerMessage(
        EventId = 200,
        EventName = "CorrelationIdReplaced",
        Level = LogLevel.Warning,
        Message = "The incoming correlation id from {CorrelationSource} was rejected ({Reason}, {Length} characters) and not used; the raw value is not logged")]
    public static partial void CorrelationIdReplaced(ILogger logger, string correlationSource, string reason, int length);

    [LoggerMessage(EventId = 1, EventName = "RequestFailed", Message = "{Operation} failed with {ErrorCode}; answered {StatusCode}")]
    public static partial void RequestFailed(ILogger logger, LogLevel level, Exception exception, string operation, string errorCode, int statusCode);

    [LoggerMessage(EventId = 2, EventName = "RequestRejected", Level = LogLevel.Debug, Message = "{Operation} was rejected with {ErrorCode}; answered {StatusCode}")]
    public static partial void RequestRejected(ILogger logger, string operation, string errorCode, int statusCode);

    [LoggerMessage(EventId = 3, EventName = "ResponseAlreadyStarted", Level = LogLevel.Warning, Message = "The response had started when the request failed with {ErrorCode}; the connection is aborted instead of answering with problem details")]
    public static partial void ResponseAlreadyStarted(ILogger logger, string errorCode);

    [LoggerMessage(EventId = 400, EventName = "RedactionWarning", Level = LogLevel.Warning, Message = "{Warning}")]
    public static partial void RedactionWarning(ILogger logger, string warning);
}
