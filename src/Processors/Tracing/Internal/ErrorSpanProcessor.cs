using System.Diagnostics;
using ErrorTelemetry.Core.Internal;
using ErrorTelemetry.Diagnostics;
using ErrorTelemetry.Failures.Internal;
using OpenTelemetry;

namespace ErrorTelemetry.Tracing.Internal;

/// <summary>
/// Runs on every span as it ends, ahead of every exporter: decides whether the span failed, attaches the error
/// code and its attributes, sets the status from the catalog, keeps exactly one exception event, and counts the
/// failure once per service.
/// </summary>
internal sealed class ErrorSpanProcessor : BaseProcessor<Activity>
{
    private const string HttpResponseStatusCode = "http.response.status_code";
    private const string ExceptionEventName = "exception";
    private const string IgnoredPropertyName = "ErrorTelemetry.Ignored";
    private const string RefusalPropertyName = "ErrorTelemetry.AnsweredRefusal";

    private readonly FailureRecorder _recorder;
    private readonly Action<Activity>? _afterEnrich;
    private readonly ExceptionCaptureListener _listener;

    public ErrorSpanProcessor(FailureRecorder recorder, Action<Activity>? afterEnrich = null, Func<string, string>? redactExceptionText = null)
    {
        _recorder = recorder;
        _afterEnrich = afterEnrich;
        _listener = new ExceptionCaptureListener(redactExceptionText, OnUnrecordedEnd, () => ParentProvider);
        UnwindingException.Install();
    }

    /// <summary>
    /// Marks a span whose failures must not be counted even though it ends unrecorded (health probes): the only
    /// unrecorded spans ErrorTelemetry skips.
    /// </summary>
    public static void Ignore(Activity activity) => activity.SetCustomProperty(IgnoredPropertyName, IgnoredPropertyName);

    public override void OnStart(Activity data) => UnwindingException.OnStart(data);

    public override void OnEnd(Activity data)
    {
        try
        {
            Enrich(data);
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(ErrorSpanProcessor), ex);
        }

        if (_afterEnrich is not null)
        {
            try
            {
                _afterEnrich(data);
            }
            catch (Exception ex)
            {
                ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(ErrorSpanProcessor), ex);
            }
        }
    }

    /// <summary>
    /// A span the sampler dropped (e.g. the caller's trace was not sampled) is not exported, but its failure is still
    /// a failure of this service: classify it and count it, so Prometheus sees every failure, not a sample.
    /// </summary>
    private void OnUnrecordedEnd(Activity activity)
    {
        if (activity.GetCustomProperty(IgnoredPropertyName) is not null)
        {
            return;
        }

        try
        {
            Enrich(activity);
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(ErrorSpanProcessor), ex);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _listener.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Enrich(Activity activity)
    {
        if (activity.GetCustomProperty(RefusalPropertyName) is not null)
        {
            // Another pipeline in this process annotated the refusal already; its code is ours, not the application's.
            return;
        }

        var explicitDefinition = FailureState.GetExplicit(activity);
        var exception = FailureState.GetException(activity);
        if (exception is null && explicitDefinition is null && activity.Status != ActivityStatusCode.Error && IsApplicationSpan(activity)
            && UnwindingException.Of(activity) is { } unwinding)
        {
            // The application's own span ends because a failure passes through it (a using block): it failed with it.
            FailureState.SetException(activity, unwinding);
            exception = unwinding;
        }

        var statusCode = HttpStatusOf(activity);
        var kind = activity.Kind;
        var exceptionEvents = CountExceptionEvents(activity);
        var explicitCode = explicitDefinition is null ? activity.GetTagItem(ErrorTelemetryAttributes.Code) as string : null;

        // .NET marks a client span Error for any 4xx; the dependency answered, so that alone is not counted here.
        var answeredRefusal = kind == ActivityKind.Client && statusCode is >= 400 and < 500 && exception is null && exceptionEvents == 0;
        var failed = explicitDefinition is not null
            || explicitCode is not null
            || exception is not null
            || exceptionEvents > 0
            || (activity.Status == ActivityStatusCode.Error && !answeredRefusal)
            || (statusCode >= 500 && kind is ActivityKind.Server or ActivityKind.Client)
            || (statusCode >= 400 && kind == ActivityKind.Server && FailureState.Of(activity) is not null);
        if (!failed)
        {
            if (answeredRefusal)
            {
                // Still a failed span (the README's contract: it carries the code, and the downstream's code as its
                // cause), but not a failure of this service by itself: the application handles the answer (a lookup
                // that found nothing) or raises it, and then its operation counts it under the operation's code.
                Annotate(activity, FailureRecorder.ForDefinition(_recorder.Lookup("DEPENDENCY_HTTP_CLIENT_ERROR")), kind);
                activity.SetCustomProperty(RefusalPropertyName, RefusalPropertyName);
            }

            // A failure a descendant deferred (a dependency call the application then handled) is still one failure.
            if (activity.Parent is null && FailureState.Of(activity) is { } pending)
            {
                _recorder.Count(pending, activity, activity.DisplayName);
            }

            return;
        }

        var inherited = FailureState.Of(activity);
        FailureState state;
        if (explicitDefinition is not null || explicitCode is not null)
        {
            var definition = explicitDefinition ?? _recorder.Lookup(explicitCode!);
            state = inherited is not null && inherited.Definition.Code == definition.Code ? inherited : FailureRecorder.ForDefinition(definition);
        }
        else if (exception is not null)
        {
            state = _recorder.ForException(exception);
        }
        else if (inherited is not null)
        {
            // A descendant span or a log record inside this span already recorded the failure that bubbled up here.
            state = inherited;
        }
        else
        {
            state = FailureRecorder.ForDefinition(ClassifyBySignals(activity, kind, statusCode));
        }

        FailureRecorder.LinkToInherited(state, inherited);
        state.AttachTo(activity);
        Annotate(activity, state, kind);
        if (exception is not null && FailureRecorder.ExceptionAttributes(exception) is { } extra)
        {
            foreach (var attribute in extra)
            {
                activity.SetTag(attribute.Key, attribute.Value);
            }
        }

        if (exception is not null && exceptionEvents == 0)
        {
            activity.AddException(exception);
        }

        // A failed dependency call is counted by the operation it belongs to, under that operation's code (with the
        // dependency's as cause) if the failure propagates, or under its own code when the operation ends anyway.
        if (kind == ActivityKind.Client && activity.Parent is not null)
        {
            return;
        }

        _recorder.Count(state, activity, activity.DisplayName, inherited);
    }

    /// <summary>
    /// Spans of the HTTP instrumentations end outside any unwinding (the server span) or report their failure
    /// themselves (the client span's <c>error.type</c>); the rest are the application's and its libraries'.
    /// </summary>
    private static bool IsApplicationSpan(Activity activity) =>
        activity.Source.Name is not ("Microsoft.AspNetCore" or "System.Net.Http");

    private static void Annotate(Activity activity, FailureState state, ActivityKind kind)
    {
        var definition = state.Definition;
        activity.SetTag(ErrorTelemetryAttributes.ErrorType, definition.Code);
        activity.SetTag(ErrorTelemetryAttributes.Code, definition.Code);
        activity.SetTag(ErrorTelemetryAttributes.Category, definition.CategoryName);
        activity.SetTag(ErrorTelemetryAttributes.Severity, definition.SeverityName);
        activity.SetTag(ErrorTelemetryAttributes.Fingerprint, state.Fingerprint);
        activity.SetTag(ErrorTelemetryAttributes.Retryable, definition.Retryable);
        if (state.CauseCode is not null)
        {
            activity.SetTag(ErrorTelemetryAttributes.CauseCode, state.CauseCode);
        }

        // Semantic conventions: a server span is an error only when the server is at fault; a handled 4xx is not.
        if (kind == ActivityKind.Server && !definition.IsServerFault)
        {
            activity.SetStatus(ActivityStatusCode.Unset);
        }
        else
        {
            activity.SetStatus(ActivityStatusCode.Error, definition.Title);
        }
    }

    private ErrorDefinition ClassifyBySignals(Activity activity, ActivityKind kind, int statusCode)
    {
        if (kind == ActivityKind.Client)
        {
            var errorType = activity.GetTagItem(ErrorTelemetryAttributes.ErrorType) as string;
            return errorType switch
            {
                "name_resolution_error" => _recorder.Lookup("CONNECTIVITY_DNS"),
                "connection_error" or "secure_connection_error" => _recorder.Lookup("CONNECTIVITY_SOCKET"),
                "timeout" => _recorder.Lookup("DEPENDENCY_TIMEOUT"),
                _ when statusCode >= 500 => _recorder.Lookup("DEPENDENCY_HTTP_SERVER_ERROR"),
                _ => _recorder.Lookup("DEPENDENCY_HTTP_FAILURE"),
            };
        }

        if (kind == ActivityKind.Server && statusCode >= 500 && _recorder.ClassifyStatus(statusCode) is { } byStatus)
        {
            return byStatus;
        }

        return _recorder.Catalog.Unclassified;
    }

    private static int HttpStatusOf(Activity activity) => activity.GetTagItem(HttpResponseStatusCode) switch
    {
        int i => i,
        long l => (int)l,
        string s when int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => 0,
    };

    private static int CountExceptionEvents(Activity activity)
    {
        var count = 0;
        foreach (ref readonly var e in activity.EnumerateEvents())
        {
            if (e.Name == ExceptionEventName)
            {
                count++;
            }
        }

        return count;
    }
}
