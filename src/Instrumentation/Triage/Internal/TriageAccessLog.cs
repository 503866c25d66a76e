using System.Security.Claims;
using ErrorTelemetry.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Triage.Internal;

/// <summary>
/// Logs every request for the triage endpoints with the caller's identity and the outcome. Refusals never reach
/// the endpoint (the authorization middleware answers 401 or 403), so this runs as the outermost middleware (a
/// startup filter) and reads the outcome once the rest of the pipeline has answered.
/// </summary>
internal sealed class TriageAccessLog : IStartupFilter
{
    private const string Anonymous = "anonymous";

    private readonly ErrorTelemetryTriageOptions _options;
    private readonly ILogger _logger;

    public TriageAccessLog(IOptions<ErrorTelemetryTriageOptions> options, ILoggerFactory loggerFactory)
    {
        _options = options.Value;
        _logger = loggerFactory.CreateLogger(Log.TriageCategory);
    }

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next)
    {
        if (!_options.IsEnabled)
        {
            return next;
        }

        var failures = _options.Path;
        var catalog = _options.Path + TriageEndpoints.CatalogSuffix;
        return app =>
        {
            app.Use(innerNext => context =>
            {
                var which = Which(context.Request.Path.Value, failures, catalog);
                return which is null ? innerNext(context) : Logged(context, innerNext, which);
            });
            next(app);
        };
    }

    private async Task Logged(HttpContext context, RequestDelegate next, string endpointPath)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            var caller = CallerOf(context.User);
            if (context.Items.ContainsKey(TriageEndpoints.ServedKey))
            {
                Log.TriageAccessAllowed(_logger, endpointPath, caller);
            }
            else
            {
                var status = context.Response.StatusCode;
                var outcome = status switch
                {
                    StatusCodes.Status401Unauthorized => "unauthenticated",
                    StatusCodes.Status403Forbidden => "forbidden",
                    _ => "not served",
                };
                Log.TriageAccessRefused(_logger, endpointPath, caller, outcome, status);
            }
        }
    }

    /// <summary>
    /// Which triage endpoint a raw request path is for. Matched by suffix, with or without a trailing slash, because
    /// this runs before <c>UsePathBase</c> strips a base: an access must never escape the log. A stray path that only
    /// ends the same way is logged as refused with its status (404), which is harmless.
    /// </summary>
    internal static string? Which(string? path, string failures, string catalog)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        var span = path.AsSpan();
        if (span.Length > 1 && span[^1] == '/')
        {
            span = span[..^1];
        }

        return span.EndsWith(catalog, StringComparison.OrdinalIgnoreCase) ? catalog
            : span.EndsWith(failures, StringComparison.OrdinalIgnoreCase) ? failures
            : null;
    }

    internal static string CallerOf(ClaimsPrincipal? user)
    {
        if (user?.Identity is not { IsAuthenticated: true } identity)
        {
            return Anonymous;
        }

        var name = identity.Name;
        if (string.IsNullOrWhiteSpace(name))
        {
            name = user.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        }

        return string.IsNullOrWhiteSpace(name) ? "authenticated (no name claim)" : name;
    }
}
