using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Redaction.Internal;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.AspNetCore.Internal;

/// <summary>
/// Builds RFC 9457 problem details from a catalog definition, and completes problem details someone else built
/// (the framework, the application) with the same fields, so every failed request answers in one shape.
/// </summary>
internal sealed class ProblemFactory
{
    /// <summary>Where the correlation feature leaves the request's correlation id.</summary>
    public const string CorrelationIdItemKey = "ErrorTelemetry.CorrelationId";

    public const string CodeExtension = "code";
    public const string TraceIdExtension = "traceId";
    public const string CorrelationIdExtension = "correlationId";
    public const string RetryableExtension = "retryable";
    public const string CauseCodeExtension = "causeCode";
    public const string ExceptionExtension = "exception";

    private const string DefaultValidationTitle = "One or more validation errors occurred.";
    private const string DefaultExceptionTitle = "An error occurred while processing your request.";

    private readonly ErrorTelemetryProblemDetailsOptions _options;
    private readonly string _typeBase;
    private readonly string _retryAfter;
    private readonly ConcurrentDictionary<ErrorDefinition, string> _types = new();
    private readonly Redactor _redactor;

    public ProblemFactory(IOptions<ErrorTelemetryProblemDetailsOptions> options, Redactor redactor)
    {
        _options = options.Value;
        _redactor = redactor;
        _typeBase = TypeBase(_options.TypeBaseUri);
        _retryAfter = _options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
    }

    public ProblemDetails Create(HttpContext context, ErrorDefinition definition, int status, IDictionary<string, string[]>? errors)
    {
        ProblemDetails problem = errors is null ? new ProblemDetails() : new HttpValidationProblemDetails(errors);
        problem.Type = TypeOf(definition);
        problem.Title = definition.Title;
        problem.Status = status;
        problem.Detail = ProblemText.DetailFor(definition, errors is { Count: > 0 });
        problem.Instance = InstanceOf(context);
        AddExtensions(problem, context, definition);
        return problem;
    }

    /// <summary>
    /// Completes a problem the framework or the application built: fills what they left at the framework's defaults
    /// and adds the extensions. What the application set on purpose (a title, a detail) is kept.
    /// </summary>
    public void Complete(ProblemDetails problem, HttpContext context, ErrorDefinition definition, int status)
    {
        if (IsFrameworkType(problem.Type))
        {
            problem.Type = TypeOf(definition);
        }

        if (problem.Title is null || problem.Title == DefaultValidationTitle || problem.Title == DefaultExceptionTitle
            || problem.Title == ReasonPhrases.GetReasonPhrase(status))
        {
            problem.Title = definition.Title;
        }

        problem.Status ??= status;
        var validation = problem as HttpValidationProblemDetails;
        problem.Detail ??= ProblemText.DetailFor(definition, validation is { Errors.Count: > 0 });
        problem.Instance = problem.Instance is null ? InstanceOf(context) : RedactedInstance(problem.Instance);
        if (validation is not null)
        {
            ValidationMessages.Sanitize(validation.Errors);
        }

        AddExtensions(problem, context, definition);
    }

    /// <summary>Rate-limited and unavailable answers tell the client when to come back, unless the application already did.</summary>
    public void SetRetryAfter(HttpResponse response, ErrorDefinition definition, int status)
    {
        if (response.HasStarted || !(status is 429 or 503 || definition.Category == ErrorCategory.RateLimited))
        {
            return;
        }

        if (string.IsNullOrEmpty(response.Headers.RetryAfter))
        {
            response.Headers.RetryAfter = _retryAfter;
        }
    }

    public string TypeOf(ErrorDefinition definition) =>
        _types.GetOrAdd(definition, static (d, self) => self.BuildType(d), this);

    public static string? TraceIdOf(HttpContext context)
    {
        var activity = context.Features.Get<IHttpActivityFeature>()?.Activity ?? Activity.Current;
        return activity is null || activity.IdFormat != ActivityIdFormat.W3C ? null : activity.TraceId.ToHexString();
    }

    public static string? CorrelationIdOf(HttpContext context)
    {
        if (context.Items.TryGetValue(CorrelationIdItemKey, out var value) && value is string id && id.Length > 0)
        {
            return id;
        }

        return FailureRecorder.CorrelationIdOf(context.Features.Get<IHttpActivityFeature>()?.Activity ?? Activity.Current);
    }

    private static void AddExtensions(ProblemDetails problem, HttpContext context, ErrorDefinition definition)
    {
        var extensions = problem.Extensions;

        // Ours (code, trace id, correlation id, retryable, cause), the application's and the writer's: grown one
        // resize at a time, the dictionary was rehashed twice per failed request.
        if (extensions is Dictionary<string, object?> dictionary)
        {
            dictionary.EnsureCapacity(dictionary.Count + 8);
        }

        // A code the application put there itself stays: it is what its clients were promised.
        extensions.TryAdd(CodeExtension, definition.Code);

        SetTraceId(problem, context);
        var correlationId = CorrelationIdOf(context);
        if (correlationId is not null)
        {
            extensions[CorrelationIdExtension] = correlationId;
        }

        extensions[RetryableExtension] = definition.Retryable;
    }

    /// <summary>
    /// ASP.NET Core's default <c>traceId</c> is the whole traceparent (or the connection's request id); the trace id
    /// alone is what tracing back ends search by.
    /// </summary>
    public static void SetTraceId(ProblemDetails problem, HttpContext context)
    {
        var traceId = TraceIdOf(context);
        if (traceId is not null)
        {
            problem.Extensions[TraceIdExtension] = traceId;
        }
        else
        {
            problem.Extensions.TryAdd(TraceIdExtension, context.TraceIdentifier);
        }
    }

    private string InstanceOf(HttpContext context)
    {
        // After an exception handler re-executed the pipeline elsewhere, the path the client asked for is kept here.
        var path = context.Features.Get<IExceptionHandlerPathFeature>()?.Path is { Length: > 0 } original
            ? new PathString(original)
            : context.Request.Path;
        return RedactedInstance(context.Request.PathBase.Add(path).ToUriComponent());
    }

    // The request path is the client's text (/users/<e-mail>/orders): scanned as url.path is on the span.
    private string RedactedInstance(string instance) => _redactor.Redact(instance);

    private static bool IsFrameworkType(string? type) =>
        type is null
        || type == "about:blank"
        || type.StartsWith("https://tools.ietf.org/html/rfc", StringComparison.Ordinal)
        || type.StartsWith("https://datatracker.ietf.org/doc/html/rfc", StringComparison.Ordinal);

    private static string TypeBase(string configured)
    {
        // A hierarchical base needs a separator before the code; a URN's or a query's own separator is kept.
        if ((configured.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || configured.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            && !configured.EndsWith('/') && !configured.EndsWith('#') && !configured.EndsWith('='))
        {
            return configured + "/";
        }

        return configured;
    }

    private string BuildType(ErrorDefinition definition) =>
        _options.UseRunbookUrlAsType && definition.RunbookUrl is { IsAbsoluteUri: true } runbook
            ? runbook.AbsoluteUri
            : _typeBase + definition.Code;
}
