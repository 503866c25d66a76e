using ErrorTelemetry.Classification.Internal;
using ErrorTelemetry.Catalog.Internal;
using System.Diagnostics;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Diagnostics;
using ErrorTelemetry.Redaction.Internal;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.AspNetCore.Internal;

/// <summary>
/// Decides what a failed request was (an exception, a binding failure, a bare error status), makes sure the server
/// span carries it exactly once, and answers with problem details built from the catalog.
/// </summary>
internal sealed class RequestFailures
{
    private const string OwnProblemItemKey = "ErrorTelemetry.Problem";

    private readonly ErrorCatalog _catalog;
    private readonly ExceptionClassifier _classifier;
    private readonly FailureRecorder _recorder;
    private readonly ProblemFactory _problems;
    private readonly DeveloperDiagnostics _diagnostics;
    private readonly Redactor _redactor;
    private readonly ILogger _logger;

    public RequestFailures(
        ErrorCatalog catalog,
        ExceptionClassifier classifier,
        FailureRecorder recorder,
        ProblemFactory problems,
        DeveloperDiagnostics diagnostics,
        Redactor redactor,
        ILoggerFactory loggerFactory)
    {
        _catalog = catalog;
        _classifier = classifier;
        _recorder = recorder;
        _problems = problems;
        _diagnostics = diagnostics;
        _redactor = redactor;
        _logger = loggerFactory.CreateLogger("ErrorTelemetry.AspNetCore");
    }

    public static Activity? ActivityOf(HttpContext context) => context.Features.Get<IHttpActivityFeature>()?.Activity;

    /// <summary>
    /// The client went away: its request was cancelled, not failed by the server. The classifier owns the rule (a
    /// cancellation or I/O error anywhere in the chain of an aborted request, unless a code was named first), so a
    /// wrapped cancellation is an abort here exactly as it is in every other signal.
    /// </summary>
    public bool IsClientAbort(HttpContext context, Exception exception) =>
        context.RequestAborted.IsCancellationRequested
        && ReferenceEquals(_classifier.Classify(exception, requestAborted: true).Definition, HttpErrorCodes.RequestCancelled(_catalog));

    public void OnClientAbort(HttpContext context, Activity? activity)
    {
        MarkSpan(activity, HttpErrorCodes.RequestCancelled(_catalog));
        if (!context.Response.HasStarted)
        {
            // Nobody is listening for a body; the status is for the server's own logs and metrics.
            context.Response.StatusCode = HttpStatusErrors.ClientClosedRequest;
        }
    }

    /// <summary>
    /// Answers an exception nothing else handled. Returns false when the response had already started: the caller
    /// rethrows so the server aborts the connection and the client sees a broken response, not a truncated success.
    /// <paramref name="developerDiagnostics"/> adds the redacted <c>exception</c> extension (the Development page).
    /// </summary>
    public async Task<bool> AnswerExceptionAsync(HttpContext context, Activity? activity, Exception exception, bool developerDiagnostics = false)
    {
        ErrorDefinition definition;
        int status;
        Dictionary<string, string[]>? errors = null;
        string? causeCode = null;
        if (exception is BadHttpRequestException badRequest)
        {
            // A client error whose message quotes the submitted value: the code goes on the span, the message does not.
            definition = BadRequests.Classify(_catalog, badRequest, out status, out errors);
            MarkSpan(activity, definition);
            Log.RequestRejected(_logger, activity?.DisplayName ?? context.Request.Method, definition.Code, status);
        }
        else
        {
            var failure = _recorder.ForException(exception);
            definition = failure.Definition;
            causeCode = failure.CauseCode;
            status = definition.HttpStatus;
            RecordException(activity, exception);
            var level = LevelOf(definition);
            Log.RequestFailed(_logger, level, exception, activity?.DisplayName ?? context.Request.Method, definition.Code, status);
        }

        if (context.Response.HasStarted)
        {
            Log.ResponseAlreadyStarted(_logger, definition.Code);
            return false;
        }

        try
        {
            context.Response.Clear();
            context.Response.StatusCode = status;
            var problem = _problems.Create(context, definition, status, errors);
            if (causeCode is not null)
            {
                // "DEPENDENCY_… caused by INVENTORY_OUT_OF_STOCK": the downstream's code is safe catalog vocabulary.
                problem.Extensions[ProblemFactory.CauseCodeExtension] = causeCode;
            }

            _problems.SetRetryAfter(context.Response, definition, status);
            if (exception is not BadHttpRequestException && (developerDiagnostics || await _diagnostics.AllowedAsync(context).ConfigureAwait(false)))
            {
                problem.Extensions[ProblemFactory.ExceptionExtension] = _diagnostics.Describe(exception);
            }

            await WriteAsync(context, problem, exception).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            // Our answer failed (a writer, a serializer, an authorization handler): the caller rethrows the
            // application's exception, and the server answers 500 as if we were not there.
            ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(RequestFailures), ex);
            return false;
        }
    }

    /// <summary>
    /// Runs first among the application's <see cref="IExceptionHandler"/>s: records the exception on the span (the
    /// framework suppresses its own diagnostics for exceptions a handler handles), answers binding failures itself
    /// (the framework's handler would call them 500), and leaves every other exception to the application.
    /// </summary>
    public async ValueTask<bool> OnExceptionHandlerAsync(HttpContext context, Exception exception)
    {
        var activity = ActivityOf(context);
        if (IsClientAbort(context, exception))
        {
            OnClientAbort(context, activity);
            return true;
        }

        if (exception is BadHttpRequestException)
        {
            return await AnswerExceptionAsync(context, activity, exception).ConfigureAwait(false);
        }

        RecordException(activity, exception);
        return false;
    }

    /// <summary>After the application answered with an error status: puts the code on the span and, when the answer has no body, writes one.</summary>
    public async Task OnErrorResponseAsync(HttpContext context, Activity? activity)
    {
        var response = context.Response;
        var status = response.StatusCode;

        // An exception the application handled itself: the span records it, and its classification names the failure.
        var handled = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var recorded = activity is null ? handled : FailureState.GetException(activity) ?? handled;
        ErrorDefinition definition;
        if (activity is not null && FailureState.GetExplicit(activity) is { } explicitDefinition)
        {
            definition = explicitDefinition;
        }
        else if (recorded is not null)
        {
            definition = OnException(activity, recorded);
        }
        else if (status >= 500 && activity is not null && FailureState.Of(activity) is { Definition.IsServerFault: true } inherited)
        {
            // A failure further down (a dependency call, a logged exception) already explains this 5xx and was counted.
            definition = inherited.Definition;
        }
        else
        {
            definition = HttpErrorCodes.ForStatus(_catalog, status);
            MarkSpan(activity, definition);
        }

        if (response.HasStarted || response.ContentLength is not null || !string.IsNullOrEmpty(response.ContentType))
        {
            return;
        }

        try
        {
            var problem = _problems.Create(context, definition, status, errors: null);
            _problems.SetRetryAfter(response, definition, status);
            await WriteAsync(context, problem, recorded).ConfigureAwait(false);
        }
        catch (Exception ex) when (!response.HasStarted)
        {
            // The application's answer stands without a body rather than failing because of ours.
            ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(RequestFailures), ex);
        }
    }

    /// <summary>
    /// The <see cref="ProblemDetailsOptions.CustomizeProblemDetails"/> hook: problems the framework or the
    /// application writes (validation, status code pages, <c>Results.Problem</c>, MVC) get the code, trace id,
    /// correlation id and retryable flag too, and the span gets the code.
    /// </summary>
    public void Customize(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        if (http is null || problem is null)
        {
            return;
        }

        if (http.Items.TryGetValue(OwnProblemItemKey, out var own) && ReferenceEquals(own, problem))
        {
            // Complete already; only the writer's defaults ran since, and they replace the trace id with the traceparent.
            ProblemFactory.SetTraceId(problem, http);
            return;
        }

        try
        {
            var status = problem.Status ?? http.Response.StatusCode;
            if (status < 400)
            {
                return;
            }

            var activity = ActivityOf(http);
            ErrorDefinition definition;
            if (problem.Extensions.TryGetValue(ProblemFactory.CodeExtension, out var code) && code is string s && _catalog.TryGet(s, out var named))
            {
                definition = named;
                MarkSpan(activity, definition);
            }
            else if (context.Exception is { } exception)
            {
                definition = OnException(activity, exception);
                if (status == StatusCodes.Status500InternalServerError && definition.HttpStatus != status && !http.Response.HasStarted)
                {
                    // The exception handler middleware answers every exception 500 unless the application chose a
                    // status; the catalog knows the failure's own (404 for ORDER_NOT_FOUND, 429 for a rate limit).
                    status = definition.HttpStatus;
                    problem.Status = status;
                    http.Response.StatusCode = status;
                }
            }
            else
            {
                definition = problem is HttpValidationProblemDetails
                    ? HttpErrorCodes.ValidationFailed(_catalog)
                    : HttpErrorCodes.ForStatus(_catalog, status);
                MarkSpan(activity, definition);
            }

            _problems.Complete(problem, http, definition, status);
            _problems.SetRetryAfter(http.Response, definition, status);
            RedactText(problem);
        }
        catch (Exception ex)
        {
            // A failure to enrich must never turn an error answer into a crash.
            ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(RequestFailures), ex);
        }
    }

    /// <summary>
    /// What the application or the framework wrote into a problem (<c>Results.Problem("… dave@example.com")</c>, a
    /// developer page's exception text) goes through the same redaction as every other signal before it is sent.
    /// </summary>
    private void RedactText(ProblemDetails problem)
    {
        problem.Title = RedactOrNull(problem.Title);
        problem.Detail = RedactOrNull(problem.Detail);
        problem.Instance = RedactOrNull(problem.Instance);
        problem.Type = RedactOrNull(problem.Type);
        List<KeyValuePair<string, object?>>? changed = null;
        foreach (var extension in problem.Extensions)
        {
            if (extension.Value is string text)
            {
                if (_redactor.TryRedact(text, out var redacted))
                {
                    (changed ??= []).Add(new(extension.Key, redacted));
                }
            }
            else if (extension.Value is not (null or bool or int or long or double or decimal) && !IsOwnExtension(extension.Key)
                && RedactStructured(extension.Value) is { } replacement)
            {
                (changed ??= []).Add(new(extension.Key, replacement));
            }
        }

        if (changed is not null)
        {
            foreach (var item in changed)
            {
                problem.Extensions[item.Key] = item.Value;
            }
        }
    }

    /// <summary>
    /// Structured data we cannot vouch for (an application's object): kept as it is when its JSON form is clean,
    /// else replaced by that form redacted; replaced entirely when it cannot even be serialized (fail closed).
    /// </summary>
    private string? RedactStructured(object value)
    {
        try
        {
            var json = System.Text.Json.JsonSerializer.Serialize(value, value.GetType(), System.Text.Json.JsonSerializerOptions.Web);
            return _redactor.TryRedact(json, out var redacted) ? redacted : null;
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or System.Text.Json.JsonException)
        {
            return "[REDACTED:error]";
        }
    }

    private string? RedactOrNull(string? text) => text is null ? null : _redactor.Redact(text);

    private static bool IsOwnExtension(string key) => key is ProblemFactory.CodeExtension or ProblemFactory.TraceIdExtension
        or ProblemFactory.CorrelationIdExtension or ProblemFactory.RetryableExtension or ProblemFactory.CauseCodeExtension or "errors";

    private static async Task WriteAsync(HttpContext context, ProblemDetails problem, Exception? exception)
    {
        context.Items[OwnProblemItemKey] = problem;
        var service = context.RequestServices.GetService<IProblemDetailsService>();
        if (service is not null
            && await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception }).ConfigureAwait(false))
        {
            return;
        }

        // No writer accepts what the client asked for (e.g. only XML): RFC 9457's JSON is still better than nothing.
        var json = context.RequestServices.GetService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>()?.Value.SerializerOptions ?? System.Text.Json.JsonSerializerOptions.Web;
        await context.Response.WriteAsJsonAsync(problem, json.GetTypeInfo(problem.GetType()), "application/problem+json", context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Names a failure the application answered itself, and puts it on the span the same way our own answers do.</summary>
    private ErrorDefinition OnException(Activity? activity, Exception exception)
    {
        if (exception is BadHttpRequestException badRequest)
        {
            var definition = BadRequests.Classify(_catalog, badRequest, out _, out _);
            MarkSpan(activity, definition);
            return definition;
        }

        RecordException(activity, exception);
        return _recorder.ForException(exception).Definition;
    }

    /// <summary>Records an exception on the span once, however many of our hooks see it.</summary>
    private static void RecordException(Activity? activity, Exception exception)
    {
        if (activity is not null && !ReferenceEquals(FailureState.GetException(activity), exception))
        {
            activity.RecordError(exception);
        }
    }

    /// <summary>
    /// Puts a code on a span that no exception or earlier code explains. Never next to a recorded exception: the
    /// exception's own classification names that failure, and a second name would count it twice.
    /// </summary>
    private static void MarkSpan(Activity? activity, ErrorDefinition definition)
    {
        if (activity is not null && FailureState.GetException(activity) is null && FailureState.GetExplicit(activity) is null)
        {
            activity.SetErrorCode(definition);
        }
    }

    private static LogLevel LevelOf(ErrorDefinition definition) => definition.Severity switch
    {
        ErrorSeverity.Info => LogLevel.Information,
        ErrorSeverity.Warning => LogLevel.Warning,
        ErrorSeverity.Critical => LogLevel.Critical,
        _ => LogLevel.Error,
    };
}
