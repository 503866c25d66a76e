using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace ErrorTelemetry.AspNetCore.Internal;

/// <summary>
/// Registered ahead of the application's exception handlers, so <c>UseExceptionHandler()</c> shows every exception
/// to ErrorTelemetry first, even those the application's handlers handle (for which .NET suppresses its own
/// diagnostics). <c>OpenTelemetry.Instrumentation.AspNetCore</c> cannot do this: it records only the exceptions
/// ASP.NET Core reports as unhandled (its <c>UnhandledException</c> diagnostic events), never a handled one.
/// </summary>
internal sealed class RecordingExceptionHandler : IExceptionHandler
{
    private readonly RequestFailures _failures;

    public RecordingExceptionHandler(RequestFailures failures)
    {
        _failures = failures;
    }

    public ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken) =>
        _failures.OnExceptionHandlerAsync(httpContext, exception);
}
