using System.Diagnostics;
using ErrorTelemetry.Classification.Internal;
using ErrorTelemetry.Diagnostics;

namespace ErrorTelemetry.Failures.Internal;

/// <summary>
/// Shared by the span and log processors: turns a failure signal into a <see cref="FailureState"/> and counts
/// each failure once per service.
/// </summary>
internal sealed class FailureRecorder
{
    public const string HttpResponseStatusCode = "http.response.status_code";

    private readonly ExceptionClassifier _classifier;
    private readonly FailureCounter _counter;
    private readonly IFailureSink[] _sinks;

    // The last failure whose code and fingerprint follow from its rendering and type alone (see ForException).
    private RunOfOne? _lastRun;

    public FailureRecorder(ExceptionClassifier classifier, FailureCounter counter, IEnumerable<IFailureSink>? sinks = null)
    {
        _classifier = classifier;
        _counter = counter;
        _sinks = sinks is null ? [] : [.. sinks];
    }

    public ErrorCatalog Catalog => _classifier.Catalog;

    public FailureState ForException(Exception exception) => ForException(exception, ExceptionFacts.Of(exception), dataUnset: false);

    /// <summary>
    /// <see cref="ForException(Exception)"/> for a caller that holds the exception's facts already, and that may have
    /// found the exception's data unset (<paramref name="dataUnset"/>, from <see cref="ExceptionAttributes(Exception, out bool)"/>;
    /// <see langword="false"/>: not known, asked here).
    /// </summary>
    private FailureState ForException(Exception exception, ExceptionFacts facts, bool dataUnset)
    {
        if (facts.Failure is { } existing)
        {
            return existing;
        }

        // Rendered now rather than later by the span event or the log record's redaction (it is rendered once per
        // exception), so that the fingerprint can read from it that a framework exception has no stack.
        var rendered = ExceptionText.Raw(exception, facts);
        var type = exception.GetType();
        if (Volatile.Read(ref _lastRun) is { } last && ReferenceEquals(last.Rendered, rendered) && last.Type == type
            && exception.InnerException is null && (dataUnset || UnsetData.Of(exception)))
        {
            // The same failure again (a run of one failure): the same shared rendering (type name, message and stack
            // printed alike), the same type, no cause and no data, and a type whose classification reads nothing of
            // the instance. The code and fingerprint are those of the last one; the failure itself is its own. Data
            // found unset by the caller's ExceptionAttributes is not asked again: data another thread writes in between
            // then counts as written after both, as it would had it come a moment later, so the record's context
            // attributes and its code come from the same data.
            return facts.SetFailure(new FailureState(last.Definition, last.Fingerprint, causeCode: null));
        }

        var classification = _classifier.Classify(exception);
        var matched = classification.Matched ?? exception;
        var state = new FailureState(
            classification.Definition,
            ReferenceEquals(matched, exception)
                ? Fingerprint.Compute(classification.Definition, exception, rendered)
                : Fingerprint.Compute(classification.Definition, matched, ExceptionText.RenderedText(matched)),
            classification.CauseCode);
        if (ReferenceEquals(matched, exception) && classification.CauseCode is null && exception.InnerException is null
            && _classifier.DecidesByTypeAlone(type) && Fingerprint.IsFunctionOfText(exception, rendered))
        {
            Volatile.Write(ref _lastRun, new RunOfOne(rendered, type, classification.Definition, state.Fingerprint));
        }

        return facts.SetFailure(state);
    }

    private static FailureState ForDefinition(ErrorDefinition definition, string? causeCode = null) =>
        new(definition, Fingerprint.Compute(definition, null), causeCode);

    /// <summary>
    /// The one way a failure is resolved, for spans and log records alike: a code the application stated wins (the
    /// failure already recorded under the same code is kept), then the exception (classified once per exception),
    /// then the failure a descendant span or an earlier log record already recorded, and last what the span's own
    /// signals say (a log record without any of these is <c>UNCLASSIFIED</c>). A failure converted or wrapped on its
    /// way up gets the earlier code as its cause.
    /// </summary>
    /// <param name="explicitDefinition">The definition set with <c>SetErrorCode</c>, if any.</param>
    /// <param name="explicitCode">An <c>error.code</c> attribute the application wrote, if any.</param>
    /// <param name="exception">The exception the span or record carries, if any.</param>
    /// <param name="inherited">The failure already attached to the span (or the current span, for a log record).</param>
    /// <param name="span">The failed span; <see langword="null"/> for a log record.</param>
    /// <returns>The failure, not yet attached or counted.</returns>
    public FailureState Resolve(ErrorDefinition? explicitDefinition, string? explicitCode, Exception? exception, FailureState? inherited, Activity? span) =>
        Resolve(explicitDefinition, explicitCode, exception, exceptionFacts: null, inherited, span);

    /// <summary>
    /// <see cref="Resolve(ErrorDefinition?, string?, Exception?, FailureState?, Activity?)"/> for a caller that may hold
    /// the exception's facts already (<paramref name="exceptionFacts"/>; <see langword="null"/>: looked up), and may
    /// know from <see cref="ExceptionAttributes(Exception, out bool)"/> that the exception's data is unset
    /// (<paramref name="dataUnset"/>).
    /// </summary>
    public FailureState Resolve(ErrorDefinition? explicitDefinition, string? explicitCode, Exception? exception, ExceptionFacts? exceptionFacts, FailureState? inherited, Activity? span, bool dataUnset = false)
    {
        FailureState state;
        if (explicitDefinition is not null || explicitCode is not null)
        {
            var definition = explicitDefinition ?? Lookup(explicitCode!);
            state = inherited is not null && inherited.Definition.Code == definition.Code ? inherited : ForDefinition(definition);
        }
        else if (exception is not null)
        {
            state = ForException(exception, exceptionFacts ?? ExceptionFacts.Of(exception), dataUnset);
        }
        else if (inherited is not null)
        {
            // A descendant span or a log record inside this span already recorded the failure that bubbled up here.
            state = inherited;
        }
        else
        {
            state = ForDefinition(span is null ? Catalog.Unclassified : ClassifyBySignals(span));
        }

        LinkToInherited(state, inherited);
        return state;
    }

    /// <summary>The <c>http.response.status_code</c> of a span, or 0.</summary>
    public static int HttpStatusOf(Activity activity) => HttpStatusFrom(activity.GetTagItem(HttpResponseStatusCode));

    /// <summary>An <c>http.response.status_code</c> tag value as a number, or 0.</summary>
    public static int HttpStatusFrom(object? value) => value switch
    {
        int i => i,
        long l => (int)l,
        string s when int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => 0,
    };

    private ErrorDefinition ClassifyBySignals(Activity span)
    {
        var statusCode = HttpStatusOf(span);
        if (span.Kind == ActivityKind.Client)
        {
            var errorType = span.GetTagItem(ErrorTelemetryAttributes.ErrorType) as string;
            return errorType switch
            {
                "name_resolution_error" => Lookup("CONNECTIVITY_DNS"),
                "connection_error" or "secure_connection_error" => Lookup("CONNECTIVITY_SOCKET"),
                "timeout" => Lookup("DEPENDENCY_TIMEOUT"),
                _ when statusCode >= 500 => Lookup("DEPENDENCY_HTTP_SERVER_ERROR"),
                _ => Lookup("DEPENDENCY_HTTP_FAILURE"),
            };
        }

        if (span.Kind == ActivityKind.Server && statusCode >= 500 && ClassifyStatus(statusCode) is { } byStatus)
        {
            return byStatus;
        }

        return Catalog.Unclassified;
    }

    private ErrorDefinition? ClassifyStatus(int status) => _classifier.ClassifyStatus(status);

    /// <summary>
    /// The attributes an exception carries beyond its code: context attached on the way up
    /// (<c>error.context.*</c>) and a coded exception's structured details (<c>error.detail.*</c>).
    /// </summary>
    /// <returns>The attributes, or null when there are none.</returns>
    public static List<KeyValuePair<string, object?>>? ExceptionAttributes(Exception exception) => ExceptionAttributes(exception, out _);

    /// <summary><see cref="ExceptionAttributes(Exception)"/>, telling whether the exception's data was found unset.</summary>
    /// <param name="exception">The exception.</param>
    /// <param name="dataUnset">
    /// <see langword="true"/> when the exception has no cause and its data was never written (<see cref="UnsetData"/>);
    /// <see langword="false"/> when it was, or was not asked.
    /// </param>
    /// <returns>The attributes, or null when there are none.</returns>
    public static List<KeyValuePair<string, object?>>? ExceptionAttributes(Exception exception, out bool dataUnset)
    {
        dataUnset = ExceptionWalk.VisitsAlone(exception) && exception is not CodedException && UnsetData.Of(exception);
        if (dataUnset)
        {
            // Most failures: one exception, not coded, whose data nothing wrote. It has neither context nor details.
            return null;
        }

        List<KeyValuePair<string, object?>>? attributes = null;
        var context = ExceptionContext.Read(exception);
        for (var i = 0; i < context.Count; i++)
        {
            (attributes ??= []).Add(new(ErrorTelemetryAttributes.ContextPrefix + context[i].Key, context[i].Value));
        }

        if (FindCoded(exception) is { } coded)
        {
            var details = coded.Details;
            for (var i = 0; i < details.Count; i++)
            {
                (attributes ??= []).Add(new(DetailPrefix + details[i].Key, ExportableValue(details[i].Value)));
            }
        }

        return attributes;
    }

    private static CodedException? FindCoded(Exception exception)
    {
        // Coded exceptions are often wrapped once or twice on their way up; a short walk finds them.
        var current = exception;
        for (var depth = 0; current is not null && depth < 8; depth++)
        {
            if (current is CodedException coded)
            {
                return coded;
            }

            current = current.InnerException;
        }

        return null;
    }

    /// <summary>The prefix of a coded exception's structured details, e.g. <c>error.detail.order_id</c>.</summary>
    public const string DetailPrefix = "error.detail.";

    // OTLP carries strings, booleans, integers and doubles; the other detail types travel as invariant strings.
    private static object ExportableValue(object value) => value switch
    {
        long or double or bool => value,
        Guid g => g.ToString("D"),
        DateTimeOffset d => d.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        TimeSpan t => t.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private ErrorDefinition Lookup(string code) =>
        _classifier.Catalog.TryGet(code, out var definition) ? definition : _classifier.Catalog.Unclassified;

    /// <summary>
    /// A failure raised while handling one that a descendant span (or a log record inside it) already recorded is
    /// the same failure converted or wrapped on its way up (a timeout turned into TaskCanceledException, an
    /// HttpRequestException wrapped in a CodedException): the earlier code becomes its cause.
    /// </summary>
    private static void LinkToInherited(FailureState state, FailureState? inherited)
    {
        if (inherited is not null && !ReferenceEquals(inherited, state) && state.CauseCode is null
            && !string.Equals(inherited.Definition.Code, state.Definition.Code, StringComparison.Ordinal))
        {
            state.CauseCode = inherited.CauseCode ?? inherited.Definition.Code;
        }
    }

    /// <summary>
    /// Counts a failed span once per service. A failed dependency call (a client span inside an operation) is not
    /// counted by itself: the operation it belongs to counts it, under the operation's code (with the dependency's as
    /// cause) if the failure propagates, or under its own code when the operation ends anyway
    /// (<see cref="CountDeferred"/>). The caller has found the span itself not excluded
    /// (<see cref="FailureState.Ignore"/>), so a local root span is not asked again.
    /// </summary>
    public void CountSpan(FailureState state, Activity span, FailureState? inherited)
    {
        if (span.Kind == ActivityKind.Client && span.Parent is not null)
        {
            return;
        }

        Count(state, span, span.DisplayName, inherited, rootChecked: span.Parent is null);
    }

    /// <summary>
    /// At a local root that did not fail itself: a failure a descendant deferred (a dependency call the application
    /// then handled) is still one failure of this service, counted now.
    /// </summary>
    public void CountDeferred(Activity span)
    {
        if (span.Parent is null && FailureState.Of(span) is { } pending)
        {
            Count(pending, span, span.DisplayName);
        }
    }

    /// <summary>Counts a failure once per service, unless it (or the failure it was converted from) was counted already.</summary>
    public void Count(FailureState state, Activity? activity, string? fallbackOperation, FailureState? inherited = null) =>
        Count(state, activity, fallbackOperation, inherited, rootChecked: false);

    private void Count(FailureState state, Activity? activity, string? fallbackOperation, FailureState? inherited, bool rootChecked)
    {
        var root = LocalRootOf(activity);
        if (!rootChecked && root is not null && FailureState.IsIgnored(root))
        {
            // An operation the application excluded (a suppressed endpoint, a health probe) counts nothing.
            return;
        }

        if (!state.TryMarkCounted())
        {
            return;
        }

        if (inherited is not null && !ReferenceEquals(inherited, state) && Volatile.Read(ref inherited.Counted) == 1)
        {
            // Counted once, where it was first seen, whatever it is called further up.
            return;
        }

        var operation = (root is null ? null : OperationLabel.Of(root)) ?? (fallbackOperation is null ? string.Empty : OperationLabel.OfName(fallbackOperation));
        _counter.Add(state.Definition, operation);
        if (_sinks.Length == 0)
        {
            return;
        }

        var record = new FailureRecord(
            state.Definition,
            state.Fingerprint,
            state.CauseCode,
            operation,
            activity?.TraceId,
            CorrelationIdOf(activity),
            activity?.SpanId);
        foreach (var sink in _sinks)
        {
            try
            {
                sink.OnFailure(record);
            }
            catch (Exception ex)
            {
                ErrorTelemetryEventSource.Log.CallbackFailed(sink.GetType().Name, ex);
            }
        }
    }

    private sealed record RunOfOne(RenderedException Rendered, Type Type, ErrorDefinition Definition, string Fingerprint);

    /// <summary>The correlation id travels as W3C baggage; the span's own baggage is searched up to the root.</summary>
    public static string? CorrelationIdOf(Activity? activity) =>
        activity?.GetBaggageItem(ErrorTelemetryAttributes.CorrelationId) ?? OpenTelemetry.Baggage.GetBaggage(ErrorTelemetryAttributes.CorrelationId);

    /// <summary>
    /// The local root span: its method and route template (or code-defined start name, see <see cref="OperationLabel"/>)
    /// is the operation a failure is counted under, and its exclusion excludes everything inside it.
    /// </summary>
    private static Activity? LocalRootOf(Activity? activity)
    {
        if (activity is null)
        {
            return null;
        }

        var root = activity;
        while (root.Parent is { } parent)
        {
            root = parent;
        }

        return root;
    }
}
