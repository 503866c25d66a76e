namespace ErrorTelemetry.AspNetCore.Internal;

/// <summary>
/// The <c>detail</c> of a problem: what the end user can do about it, by category. Never the exception message
/// (written for engineers, may hold personal data) nor the definition's description (written for engineers).
/// </summary>
internal static class ProblemText
{
    private const string QuoteTraceId = "If the problem persists, contact support and quote the trace id.";

    public static string DetailFor(ErrorDefinition definition, bool hasFieldErrors) => definition.Category switch
    {
        ErrorCategory.Validation when hasFieldErrors => "Correct the fields listed in 'errors' and send the request again.",
        ErrorCategory.Validation => "Correct the request and send it again.",
        ErrorCategory.Authentication => "Authenticate and send the request again.",
        ErrorCategory.Authorization => "Use an account that is allowed to perform this operation.",
        ErrorCategory.NotFound => "Check the address and the identifiers in it.",
        ErrorCategory.Conflict => "Fetch the current state of the resource and send the request again based on it.",
        ErrorCategory.RateLimited => "Wait for the number of seconds in the Retry-After header, then try again.",
        ErrorCategory.BusinessRule => "The operation is not allowed in the current state; change the request or the state first.",
        ErrorCategory.Cancelled => "The request was cancelled before it completed.",
        _ when definition.Retryable => "This is a temporary problem on our side; try again later. " + QuoteTraceId,
        _ => "This is a problem on our side. " + QuoteTraceId,
    };
}
