namespace ErrorTelemetry;

/// <summary>
/// How much a failure matters to the people who run the service. Maps onto OpenTelemetry log severity numbers.
/// </summary>
/// <remarks>Exported as the <c>error.severity</c> attribute in lower case, e.g. <c>critical</c>.</remarks>
public enum ErrorSeverity
{
    /// <summary>Expected and harmless on its own, such as a lookup that found nothing (OpenTelemetry severity number 9, INFO).</summary>
    Info = 9,

    /// <summary>The caller's fault or a handled condition worth watching (severity number 13, WARN).</summary>
    Warning = 13,

    /// <summary>A failure the service is responsible for (severity number 17, ERROR).</summary>
    Error = 17,

    /// <summary>A failure that needs a human now (severity number 21, FATAL).</summary>
    Critical = 21,
}
