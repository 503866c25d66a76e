using System.Diagnostics;
using ErrorTelemetry.Diagnostics;
using ErrorTelemetry.Redaction.Internal;
using OpenTelemetry;

namespace ErrorTelemetry.Failures.Internal;

/// <summary>
/// Runs on every span as it ends, ahead of every exporter: decides whether the span failed, attaches the error
/// code and its attributes, sets the status from the catalog, keeps exactly one exception event, and counts the
/// failure once per service.
/// </summary>
internal sealed class ErrorSpanProcessor : BaseProcessor<Activity>
{
    private const string ExceptionEventName = "exception";
    private const string RefusalPropertyName = "ErrorTelemetry.AnsweredRefusal";

    // The keys Annotate writes, all of which a redactor must preserve for a failed span's tags to need no walk.
    private static readonly string[] ErrorTagKeys =
    [
        ErrorTelemetryAttributes.ErrorType,
        ErrorTelemetryAttributes.Code,
        ErrorTelemetryAttributes.Category,
        ErrorTelemetryAttributes.Severity,
        ErrorTelemetryAttributes.Fingerprint,
        ErrorTelemetryAttributes.Retryable,
        ErrorTelemetryAttributes.CauseCode,
    ];

    private readonly FailureRecorder _recorder;
    private readonly ExceptionCaptureListener _listener;

    // Whether the redactor last asked preserves every key in ErrorTagKeys (its key rules never change).
    private PreservedKeys? _errorTagsPreserved;

    // The tag lists the redactor last asked keeps as they are (see KeptTagLists).
    private KeptTagLists? _keptTagLists;

    /// <param name="recorder">Classifies and counts failures.</param>
    /// <param name="redactExceptionText">Redacts exception text as it is recorded.</param>
    /// <param name="provider">The tracer provider served, when this processor runs inside another one; else its own.</param>
    public ErrorSpanProcessor(FailureRecorder recorder, Func<string, string>? redactExceptionText = null, Func<object?>? provider = null)
    {
        _recorder = recorder;
        _listener = new ExceptionCaptureListener(redactExceptionText, OnUnrecordedEnd, provider ?? (() => ParentProvider));
        UnwindingException.Install();
    }

    /// <summary>Gets whether exceptions and unrecorded spans are seen through the tracer provider's own listener (<see cref="ExceptionCaptureListener.TryAttach"/>).</summary>
    internal bool ListensThroughProvider => _listener.IsAttached;

    public override void OnStart(Activity data) => UnwindingException.OnStart(data);

    public override void OnEnd(Activity data)
    {
        try
        {
            Enrich(data, WalkTags(data, redactor: null), out _);
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(ErrorSpanProcessor), ex);
        }
    }

    /// <summary>
    /// Does what <see cref="OnEnd"/> does, and its one walk over the span's tags also asks <paramref name="redactor"/>
    /// whether it keeps every tag as it is (<see cref="Redactor.KeepsAsRemembered"/>), so that the redaction that
    /// follows need not walk them again.
    /// </summary>
    /// <param name="data">The span.</param>
    /// <param name="redactor">The redactor that redacts the span next.</param>
    /// <param name="recorded">
    /// What was recorded on the span as this processor read it (<see cref="SpanFailure.Of"/>), so that redaction need
    /// not read it again; <see langword="null"/> when nothing was or it is not known.
    /// </param>
    /// <param name="cleanName">
    /// The span's name as the redactor found it clean when it kept these very tags before (remembered with them,
    /// <see cref="KeptTagLists"/>), so that redaction need not scan it again while the span still has that name;
    /// <see langword="null"/> when not known.
    /// </param>
    /// <returns>
    /// Whether the span's tags are known to need no redaction: every tag it ended with is kept as remembered, and the
    /// only tags this added, if any, are the catalog's error attributes, under keys the redactor preserves whatever
    /// their value. When <see langword="false"/>, the tags are redacted as usual.
    /// </returns>
    internal bool OnEndTagsKept(Activity data, Redactor redactor, out SpanFailure? recorded, out string? cleanName)
    {
        recorded = null;
        cleanName = null;
        try
        {
            var tags = ReadTags(data, redactor);
            cleanName = tags.CleanName;
            var added = Enrich(data, tags, out recorded);
            return tags.Kept && (added == AddedTags.None || (added == AddedTags.ErrorAttributes && PreservesErrorTags(redactor)));
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(ErrorSpanProcessor), ex);
            return false;
        }
    }

    /// <summary>
    /// A span the sampler dropped (e.g. the caller's trace was not sampled) is not exported, but its failure is still
    /// a failure of this service: classify it and count it, so Prometheus sees every failure, not a sample.
    /// </summary>
    private void OnUnrecordedEnd(Activity activity)
    {
        if (FailureState.IsIgnored(activity))
        {
            return;
        }

        try
        {
            Enrich(activity, WalkTags(activity, redactor: null), out _);
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

    // Returns which tags this added to the span: only a failed or refused span gets any.
    private AddedTags Enrich(Activity activity, SpanTags tags, out SpanFailure? recorded)
    {
        recorded = null;
        // Only a client span carries the refusal mark (a span's kind never changes): other spans skip the lookup,
        // which locks the span's property dictionary once a failure put one there.
        var kind = activity.Kind;
        if (kind == ActivityKind.Client && activity.GetCustomProperty(RefusalPropertyName) is not null)
        {
            // Another pipeline in this process annotated the refusal already; its code is ours, not the application's.
            return AddedTags.Other;
        }

        // What was recorded on the span, read once (each read locks the span's property dictionary).
        recorded = SpanFailure.Of(activity);
        var explicitDefinition = recorded?.Explicit;
        var exception = recorded?.Exception;
        // A thread known to handle no exception (nearly every span) is told by one per-thread flag, asked before the
        // source check compares the source's name with two others.
        if (exception is null && explicitDefinition is null && activity.Status != ActivityStatusCode.Error
            && UnwindingException.MayBeHandling && IsApplicationSpan(activity) && UnwindingException.Of(activity) is { } unwinding)
        {
            // The application's own span ends because a failure passes through it (a using block): it failed with it.
            recorded = SpanFailure.For(activity);
            recorded.RecordException(unwinding);
            exception = unwinding;
        }

        var statusCode = tags.StatusCode;
        var codeTag = tags.Code;
        var exceptionEvents = CountExceptionEvents(activity);
        var explicitCode = explicitDefinition is null ? codeTag : null;

        // .NET marks a client span Error for any 4xx; the dependency answered, so that alone is not counted here.
        var answeredRefusal = kind == ActivityKind.Client && statusCode is >= 400 and < 500 && exception is null && exceptionEvents == 0;
        var failed = explicitDefinition is not null
            || explicitCode is not null
            || exception is not null
            || exceptionEvents > 0
            || (activity.Status == ActivityStatusCode.Error && !answeredRefusal)
            || (statusCode >= 500 && kind is ActivityKind.Server or ActivityKind.Client)
            || (statusCode >= 400 && kind == ActivityKind.Server && recorded?.Failure is not null);
        if (!failed)
        {
            if (answeredRefusal)
            {
                // Still a failed span (the README's contract: it carries the code, and the downstream's code as its
                // cause), but not a failure of this service by itself: the application handles the answer (a lookup
                // that found nothing) or raises it, and then its operation counts it under the operation's code.
                Annotate(activity, _recorder.Resolve(explicitDefinition: null, "DEPENDENCY_HTTP_CLIENT_ERROR", exception: null, inherited: null, span: null), kind);
                activity.SetCustomProperty(RefusalPropertyName, RefusalPropertyName);
            }

            _recorder.CountDeferred(activity);
            return answeredRefusal ? AddedTags.ErrorAttributes : AddedTags.None;
        }

        if (recorded?.Ignored == true)
        {
            return AddedTags.Other;
        }

        var inherited = recorded?.Failure;
        var facts = recorded is not null && ReferenceEquals(recorded.Exception, exception) ? recorded.ExceptionFacts : null;
        var state = _recorder.Resolve(explicitDefinition, explicitCode, exception, facts, inherited, activity);
        state.AttachTo(activity, recorded, inherited);
        Annotate(activity, state, kind);
        var added = AddedTags.ErrorAttributes;
        if (exception is not null && FailureRecorder.ExceptionAttributes(exception) is { } extra)
        {
            // The exception's context and details are application data: redacted every time.
            added = AddedTags.Other;
            foreach (var attribute in extra)
            {
                activity.SetTag(attribute.Key, attribute.Value);
            }
        }

        if (exception is not null && exceptionEvents == 0)
        {
            activity.AddException(exception);
        }

        _recorder.CountSpan(state, activity, inherited);
        return added;
    }

    // A redactor's key rules are fixed when it is built: asked once per redactor, not once per failed span.
    private bool PreservesErrorTags(Redactor redactor)
    {
        if (Volatile.Read(ref _errorTagsPreserved) is { } known && ReferenceEquals(known.Redactor, redactor))
        {
            return known.All;
        }

        var all = true;
        foreach (var key in ErrorTagKeys)
        {
            all = all && redactor.IsPreserved(key);
        }

        Volatile.Write(ref _errorTagsPreserved, new PreservedKeys(redactor, all));
        return all;
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

        // SetTag searches the span's tag list on every call; AddTag appends. Unless the span already carries an
        // error.* tag (the application's error.code, an instrumentation's error.type), ours are all new.
        var replace = HasErrorTag(activity);
        Put(activity, ErrorTelemetryAttributes.ErrorType, definition.Code, replace);
        Put(activity, ErrorTelemetryAttributes.Code, definition.Code, replace);
        Put(activity, ErrorTelemetryAttributes.Category, definition.CategoryName, replace);
        Put(activity, ErrorTelemetryAttributes.Severity, definition.SeverityName, replace);
        Put(activity, ErrorTelemetryAttributes.Fingerprint, state.Fingerprint, replace);
        Put(activity, ErrorTelemetryAttributes.Retryable, state.RetryableValue, replace);
        if (state.CauseCode is not null)
        {
            Put(activity, ErrorTelemetryAttributes.CauseCode, state.CauseCode, replace);
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

    private static void Put(Activity activity, string key, object value, bool replace)
    {
        if (replace)
        {
            activity.SetTag(key, value);
        }
        else
        {
            activity.AddTag(key, value);
        }
    }

    private static bool HasErrorTag(Activity activity)
    {
        foreach (ref readonly var tag in activity.EnumerateTagObjects())
        {
            if (tag.Key.StartsWith("error.", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads the tag if it is one the failure decision reads: the first status code and the first error code.</summary>
    internal static void ReadDecisionTag(in KeyValuePair<string, object?> tag, ref object? status, ref object? code)
    {
        if (status is null && tag.Key == FailureRecorder.HttpResponseStatusCode)
        {
            status = tag.Value;
        }
        else if (code is null && tag.Key == ErrorTelemetryAttributes.Code)
        {
            code = tag.Value;
        }
    }

    // One pass over the tags for the two the decision reads (the first of each, as GetTagItem would return); with a
    // redactor, the same pass asks whether it keeps each tag as remembered (no longer once one is not known).
    private static SpanTags WalkTags(Activity activity, Redactor? redactor)
    {
        object? status = null;
        object? code = null;
        var kept = redactor is not null;
        foreach (ref readonly var tag in activity.EnumerateTagObjects())
        {
            kept = kept && redactor!.KeepsAsRemembered(tag.Key, tag.Value);
            ReadDecisionTag(tag, ref status, ref code);
        }

        return new SpanTags(FailureRecorder.HttpStatusFrom(status), code as string, kept);
    }

    // WalkTags with a redactor, answered from the tag lists it kept before when the span's tags are one of them
    // (instance for instance); a list found kept by the walk is remembered.
    private SpanTags ReadTags(Activity activity, Redactor redactor)
    {
        var lists = Volatile.Read(ref _keptTagLists);
        if (lists is null || !ReferenceEquals(lists.Redactor, redactor))
        {
            lists = new KeptTagLists(redactor);
            Volatile.Write(ref _keptTagLists, lists);
        }

        if (lists.TryMatch(activity, out var status, out var code, out var cleanName))
        {
            return new SpanTags(FailureRecorder.HttpStatusFrom(status), code as string, Kept: true, cleanName);
        }

        var tags = WalkTags(activity, redactor);
        if (tags.Kept)
        {
            lists.Remember(activity);
        }

        return tags;
    }

    // What the failure decision reads from the span's tags, whether the redactor keeps all of them as remembered, and the
    // span's name if it was remembered clean with them.
    private readonly record struct SpanTags(int StatusCode, string? Code, bool Kept, string? CleanName = null);

    // Whether one redactor preserves every key of ErrorTagKeys.
    private sealed record PreservedKeys(Redactor Redactor, bool All);

    // What Enrich added to a span's tags: nothing, only the catalog's error attributes (Annotate), or anything else.
    private enum AddedTags
    {
        None,
        ErrorAttributes,
        Other,
    }

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
