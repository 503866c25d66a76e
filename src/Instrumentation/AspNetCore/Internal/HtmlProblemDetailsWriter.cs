using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ErrorTelemetry.AspNetCore.Internal;

/// <summary>
/// Answers browsers (clients that prefer <c>text/html</c> over JSON) with a small, accessible error page instead of
/// JSON: the title, what to do, the code and the trace id to quote to support. Registered first among the problem
/// details writers, so the framework's problems reach browsers as a page too.
/// </summary>
internal sealed class HtmlProblemDetailsWriter : IProblemDetailsWriter
{
    private readonly ErrorTelemetryProblemDetailsOptions _options;
    private readonly ProblemDetailsOptions _problemDetailsOptions;

    public HtmlProblemDetailsWriter(IOptions<ErrorTelemetryProblemDetailsOptions> options, IOptions<ProblemDetailsOptions> problemDetailsOptions)
    {
        _options = options.Value;
        _problemDetailsOptions = problemDetailsOptions.Value;
    }

    public bool CanWrite(ProblemDetailsContext context) =>
        _options.HtmlErrorPages && PrefersHtml(context.HttpContext.Request);

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var response = context.HttpContext.Response;

        // The same defaults and customization as the JSON writer, so both carry the same code and trace id.
        problem.Status ??= response.StatusCode;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(problem.Status.Value);
        _problemDetailsOptions.CustomizeProblemDetails?.Invoke(context);

        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        return new ValueTask(response.WriteAsync(Render(problem), context.HttpContext.RequestAborted));
    }

    /// <summary>HTML is preferred only when the client ranks it strictly above every JSON type; <c>*/*</c> counts as JSON.</summary>
    internal static bool PrefersHtml(HttpRequest request)
    {
        var accept = request.Headers.Accept;
        if (accept.Count == 0 || !MediaTypeHeaderValue.TryParseList(accept, out var mediaTypes))
        {
            return false;
        }

        double html = 0;
        double json = 0;
        foreach (var mediaType in mediaTypes)
        {
            var quality = mediaType.Quality ?? 1d;
            var type = mediaType.MediaType;
            if (type.Equals("text/html", StringComparison.OrdinalIgnoreCase) || type.Equals("application/xhtml+xml", StringComparison.OrdinalIgnoreCase))
            {
                html = Math.Max(html, quality);
            }
            else if (type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || type.Equals("application/problem+json", StringComparison.OrdinalIgnoreCase)
                || type.Equals("*/*", StringComparison.OrdinalIgnoreCase)
                || type.Equals("application/*", StringComparison.OrdinalIgnoreCase)
                || mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase))
            {
                json = Math.Max(json, quality);
            }
        }

        return html > 0 && html > json;
    }

    private static string Render(ProblemDetails problem)
    {
        var encoder = HtmlEncoder.Default;
        var title = encoder.Encode(problem.Title ?? "Error");
        var html = new StringBuilder(1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"robots\" content=\"noindex\">\n")
            .Append("<title>").Append(title).Append("</title>\n")
            .Append("<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a;background:#fff}")
            .Append("dt{font-weight:bold}dd{margin:0 0 .75rem}code{font-size:1rem;word-break:break-all}</style>\n")
            .Append("</head>\n<body>\n<main>\n<h1>").Append(title).Append("</h1>\n");
        if (!string.IsNullOrEmpty(problem.Detail))
        {
            html.Append("<p>").Append(encoder.Encode(problem.Detail)).Append("</p>\n");
        }

        html.Append("<dl>\n");
        if (problem.Status is { } status)
        {
            html.Append("<dt>Status</dt><dd>").Append(status.ToString(CultureInfo.InvariantCulture)).Append("</dd>\n");
        }

        AppendExtension(html, encoder, problem, ProblemFactory.CodeExtension, "Error code");
        AppendExtension(html, encoder, problem, ProblemFactory.TraceIdExtension, "Trace id");
        AppendExtension(html, encoder, problem, ProblemFactory.CorrelationIdExtension, "Correlation id");
        html.Append("</dl>\n<p>When you contact support, quote the trace id above.</p>\n</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendExtension(StringBuilder html, HtmlEncoder encoder, ProblemDetails problem, string key, string label)
    {
        if (problem.Extensions.TryGetValue(key, out var value) && value?.ToString() is { Length: > 0 } text)
        {
            html.Append("<dt>").Append(label).Append("</dt><dd><code>").Append(encoder.Encode(text)).Append("</code></dd>\n");
        }
    }
}
