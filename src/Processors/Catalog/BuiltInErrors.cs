namespace ErrorTelemetry;

/// <summary>
/// The built-in definitions for platform failures. Every catalog contains them; configuration may override their
/// operational fields (owner, runbook, remediation).
/// </summary>
public static class BuiltInErrors
{
    /// <summary>A failure no rule classifies. Its counts show where the catalog has gaps.</summary>
    public static readonly ErrorDefinition Unclassified = new("UNCLASSIFIED", ErrorCategory.Internal, "An unexpected error occurred.")
    {
        Description = "An exception that no mapping rule classifies. Add a catalog entry or a Map<TException> rule for it.",
        Remediation = "Find the exception type in the trace, then add a definition and a mapping rule for it.",
    };

    /// <summary>An operation ran out of time.</summary>
    public static readonly ErrorDefinition OperationTimeout = new("OPERATION_TIMEOUT", ErrorCategory.Timeout, "The operation timed out.")
    {
        Description = "A TimeoutException, or an operation cancelled by its own timeout.",
        Retryable = true,
    };

    /// <summary>The caller aborted the request; not a server failure.</summary>
    public static readonly ErrorDefinition RequestCancelled = new("REQUEST_CANCELLED", ErrorCategory.Cancelled, "The request was cancelled.")
    {
        Description = "The client aborted the request (OperationCanceledException on the request's own cancellation token).",
    };

    /// <summary>The full list of built-in definitions.</summary>
    /// <returns>Every built-in definition.</returns>
    public static IReadOnlyList<ErrorDefinition> All() => [Unclassified, OperationTimeout, RequestCancelled];
}
