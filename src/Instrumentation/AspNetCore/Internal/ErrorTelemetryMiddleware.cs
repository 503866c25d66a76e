using System.Diagnostics;
using System.Runtime.ExceptionServices;
using ErrorTelemetry.Correlation.Internal;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Health.Internal;
using Microsoft.AspNetCore.Http;

namespace ErrorTelemetry.AspNetCore.Internal;

/// <summary>
/// The request pipeline part of ErrorTelemetry: makes the correlation id current, names the server span as soon as
/// the endpoint is known, answers exceptions and bare error statuses with problem details, and records what the span
/// must keep when it stops.
/// </summary>
internal sealed class ErrorTelemetryMiddleware
{
    private readonly RequestDelegate _next;
    private readonly RequestFailures _failures;
    private readonly AspNetCorePipelineState _state;
    private readonly CorrelationStep _correlation;

    public ErrorTelemetryMiddleware(RequestDelegate next, RequestFailures failures, AspNetCorePipelineState state, CorrelationStep correlation)
    {
        _next = next;
        _failures = failures;
        _state = state;
        _correlation = correlation;
    }

    // The state is read per request because a Startup class calls UseErrorTelemetry() after startup filters ran.
    public Task InvokeAsync(HttpContext context) => _state.Enabled ? InvokeCoreAsync(context) : _next(context);

    private async Task InvokeCoreAsync(HttpContext context)
    {
        var activity = RequestFailures.ActivityOf(context);

        // Correlation first: the problem body, the span and every log record of the request need the id.
        using var correlation = _correlation.Enter(context, activity);
        var method = context.Request.Method;
        var endpoint = context.GetEndpoint();
        EndpointWatcher? watcher = null;
        if (endpoint is not null)
        {
            SuppressErrorTelemetryMetadata.Apply(activity, endpoint);
            ServerSpan.OnEndpoint(activity, method, endpoint);
        }
        else if (activity is { IsAllDataRequested: true })
        {
            // Routing runs inside us: learn the endpoint the moment it is chosen.
            watcher = EndpointWatcher.Install(context, activity);
        }

        Exception? failure = null;
        try
        {
            var next = Next(context);
            if (next.IsFaulted && next.Exception?.InnerExceptions is [var thrown])
            {
                // Answered without awaiting: awaiting rethrows, which appends this async frame to the exception's
                // stack trace, and rendering an async frame costs a reflection walk of this type's methods.
                failure = thrown;
            }
            else
            {
                await next.ConfigureAwait(false);
                endpoint ??= watcher?.First ?? context.GetEndpoint();
                if (context.Response.StatusCode >= 400 && !IsSuppressed(context, endpoint))
                {
                    await _failures.OnErrorResponseAsync(context, activity).ConfigureAwait(false);
                }
            }
        }
        catch (Exception exception)
        {
            failure = exception;
        }

        try
        {
            if (failure is not null)
            {
                endpoint ??= watcher?.First ?? context.GetEndpoint();
                if (endpoint is not null)
                {
                    // Before anything is logged or counted: the failure's operation is the span's name at that moment.
                    SuppressErrorTelemetryMetadata.Apply(activity, endpoint);
                    ServerSpan.OnEndpoint(activity, method, endpoint);
                }

                if (_failures.IsClientAbort(context, failure))
                {
                    _failures.OnClientAbort(context, activity);
                }
                else if (!await _failures.AnswerExceptionAsync(context, activity, failure).ConfigureAwait(false))
                {
                    ExceptionDispatchInfo.Throw(failure);
                }
            }
        }
        finally
        {
            // The instrumentation completes the span (status code, route, Error on 5xx) when the request stops.
            ServerSpan.OnLeave(activity, endpoint ?? watcher?.First, watcher);
        }
    }

    // An exception the rest of the pipeline throws before its first await is caught here, in a frame that is not a
    // state machine, and handed on as a faulted task, as ASP.NET Core's own exception handler does.
    private Task Next(HttpContext context)
    {
        try
        {
            return _next(context);
        }
        catch (Exception exception)
        {
            return Task.FromException(exception);
        }
    }

    private static bool IsSuppressed(HttpContext context, Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<SuppressErrorTelemetryMetadata>() is not null
        || context.Items.ContainsKey(HealthRequestFilter.SkipProblemDetailsKey);
}

/// <summary>
/// The metadata <c>SuppressErrorTelemetry()</c> puts on endpoints whose error answers are not failures of the service
/// (health checks answering 503 by design): no problem details for their error statuses, no code on their span, no
/// count.
/// </summary>
internal sealed class SuppressErrorTelemetryMetadata
{
    public static readonly SuppressErrorTelemetryMetadata Instance = new();

    private SuppressErrorTelemetryMetadata()
    {
    }

    /// <summary>Excludes the request's span (and every failure inside it) once routing chose a suppressed endpoint.</summary>
    public static void Apply(Activity? activity, Endpoint endpoint)
    {
        if (activity is not null && endpoint.Metadata.GetMetadata<SuppressErrorTelemetryMetadata>() is not null)
        {
            FailureState.Ignore(activity);
        }
    }
}
