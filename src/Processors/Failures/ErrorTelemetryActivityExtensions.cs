using System.Diagnostics;
using ErrorTelemetry;
using ErrorTelemetry.Failures.Internal;

namespace OpenTelemetry.Trace;

/// <summary>
/// Lets application code state what failure a span ended with.
/// </summary>
/// <remarks>Call from the thread that owns the span, like any <see cref="Activity"/> mutation. Never throws for a null activity.</remarks>
public static class ErrorTelemetryActivityExtensions
{
    /// <summary>
    /// Marks the span as failed with a catalogued error. The span processor attaches the code, category, severity
    /// and fingerprint when the span ends, and counts the failure once.
    /// </summary>
    /// <param name="activity">The span; may be <see langword="null"/> when nobody listens.</param>
    /// <param name="definition">The catalogued error.</param>
    /// <returns>The span, for chaining.</returns>
    public static Activity? SetErrorCode(this Activity? activity, ErrorDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (activity is not null)
        {
            FailureState.SetExplicit(activity, definition);
            activity.SetTag(ErrorTelemetryAttributes.Code, definition.Code);
        }

        return activity;
    }

    /// <summary>
    /// Records an exception on the span (one exception event) and marks the span as failed with it; the exception
    /// is classified through the catalog's mapping rules when the span ends.
    /// </summary>
    /// <param name="activity">The span; may be <see langword="null"/> when nobody listens.</param>
    /// <param name="exception">The exception.</param>
    /// <returns>The span, for chaining.</returns>
    public static Activity? RecordError(this Activity? activity, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (activity is not null)
        {
            FailureState.SetException(activity, exception);
            activity.AddException(exception);
        }

        return activity;
    }
}
