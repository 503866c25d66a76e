using Microsoft.AspNetCore.Diagnostics;

namespace ErrorTelemetry.AspNetCore.Internal;

/// <summary>
/// In Development the host puts its developer exception page inside our middleware, and that page answers every
/// exception 500 with the raw exception text. This filter answers first, as in Production: the catalog's status and
/// problem details, plus the developer <c>exception</c> extension (type, redacted message, redacted stack).
/// </summary>
internal sealed class DeveloperPageFilter : IDeveloperPageExceptionFilter
{
    private readonly RequestFailures _failures;
    private readonly AspNetCorePipelineState _state;

    public DeveloperPageFilter(RequestFailures failures, AspNetCorePipelineState state)
    {
        _failures = failures;
        _state = state;
    }

    public async Task HandleExceptionAsync(ErrorContext errorContext, Func<ErrorContext, Task> next)
    {
        ArgumentNullException.ThrowIfNull(errorContext);
        ArgumentNullException.ThrowIfNull(next);
        var context = errorContext.HttpContext;
        if (!_state.Enabled || context.Response.HasStarted
            || !await _failures.AnswerExceptionAsync(context, RequestFailures.ActivityOf(context), errorContext.Exception, developerDiagnostics: true).ConfigureAwait(false))
        {
            await next(errorContext).ConfigureAwait(false);
        }
    }
}
