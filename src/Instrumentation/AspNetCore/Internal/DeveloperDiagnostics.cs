using ErrorTelemetry.Diagnostics;
using ErrorTelemetry.Redaction.Internal;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.AspNetCore.Internal;

/// <summary>
/// The developer-diagnostics extension of a problem (exception type, redacted message, stack trace). Two locks, both
/// required: it is switched on in configuration, and the caller passes the configured authorization policy.
/// </summary>
internal sealed class DeveloperDiagnostics
{
    private readonly ErrorTelemetryProblemDetailsOptions _options;
    private readonly Redactor _redactor;
    private int _policyProblemReported;

    public DeveloperDiagnostics(IOptions<ErrorTelemetryProblemDetailsOptions> options, Redactor redactor)
    {
        _options = options.Value;
        _redactor = redactor;
    }

    public async ValueTask<bool> AllowedAsync(HttpContext context)
    {
        if (!_options.IncludeDiagnostics || string.IsNullOrWhiteSpace(_options.DiagnosticsPolicy))
        {
            return false;
        }

        var authorization = context.RequestServices.GetService<IAuthorizationService>();
        if (authorization is null)
        {
            ReportPolicyProblem("IncludeDiagnostics is on but no IAuthorizationService is registered (call AddAuthorization()); diagnostics are withheld");
            return false;
        }

        try
        {
            var result = await authorization.AuthorizeAsync(context.User, _options.DiagnosticsPolicy).ConfigureAwait(false);
            return result.Succeeded;
        }
        catch (InvalidOperationException)
        {
            // The policy does not exist: refuse rather than fail the error response itself.
            ReportPolicyProblem($"The diagnostics policy '{_options.DiagnosticsPolicy}' ({ErrorTelemetryProblemDetailsOptions.SectionName}:DiagnosticsPolicy) is not registered; diagnostics are withheld");
            return false;
        }
    }

    public Dictionary<string, string?> Describe(Exception exception) => new(StringComparer.Ordinal)
    {
        ["type"] = exception.GetType().FullName,
        ["message"] = RedactForResponse(exception.Message),
        ["stackTrace"] = exception.StackTrace is null ? null : RedactForResponse(exception.StackTrace),
        ["innerType"] = exception.InnerException?.GetType().FullName,
    };

    /// <summary>The one place text from an exception passes on its way into a response: through the shared redaction engine.</summary>
    private string RedactForResponse(string text) => _redactor.Redact(text);

    private void ReportPolicyProblem(string message)
    {
        if (Interlocked.Exchange(ref _policyProblemReported, 1) == 0)
        {
            ErrorTelemetryEventSource.Log.ConfigurationWarning(message);
        }
    }
}
