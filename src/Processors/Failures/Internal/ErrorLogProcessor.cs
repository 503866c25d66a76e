using System.Diagnostics;
using ErrorTelemetry.Diagnostics;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace ErrorTelemetry.Failures.Internal;

/// <summary>
/// Runs on every log record ahead of every exporter: records that carry an exception, or are at Error level and
/// above and carry a code, get the error code and its attributes, and their failure is counted unless a span or an
/// earlier log record already counted it.
/// </summary>
/// <remarks>
/// The code of a record: an <c>error.code</c> attribute; else, without an exception, an event name that is a catalogued
/// code (<c>new EventId(7, "PAYMENT_DECLINED")</c>, <c>[LoggerMessage(EventName = "PAYMENT_DECLINED")]</c>); else the
/// exception's; else the failure its span already recorded. An Error record with none of these is a message, not a
/// failure: it is left as it is and not counted, unless <see cref="ErrorTelemetryOptions.CountUncodedErrorLogs"/> asks
/// for it to be counted as <c>UNCLASSIFIED</c>. Either way it does not become its span's failure, so an exception the
/// request throws afterwards is counted under its own code.
/// </remarks>
internal sealed class ErrorLogProcessor : BaseProcessor<LogRecord>
{
    private readonly FailureRecorder _recorder;
    private readonly bool _countUncoded;

    public ErrorLogProcessor(FailureRecorder recorder, bool countUncodedErrorLogs = false)
    {
        _recorder = recorder;
        _countUncoded = countUncodedErrorLogs;
    }

    public override void OnEnd(LogRecord data)
    {
        if (data.Exception is not null || data.LogLevel >= LogLevel.Error)
        {
            Process(data, Activity.Current);
        }
    }

    /// <summary>
    /// Enriches and counts <paramref name="data"/> as <see cref="OnEnd"/> does, for a caller that has read the current
    /// span already (<paramref name="activity"/>). Never throws.
    /// </summary>
    /// <returns>
    /// The facts of the record's exception (which stays on the record), so that redaction does not look the exception
    /// up again; <see langword="null"/> for a record without one, or when enrichment failed.
    /// </returns>
    internal ExceptionFacts? Process(LogRecord data, Activity? activity)
    {
        try
        {
            return Enrich(data, activity);
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(ErrorLogProcessor), ex);
            return null;
        }
    }

    private ExceptionFacts? Enrich(LogRecord record, Activity? activity)
    {
        var exception = record.Exception;
        if (exception is null && record.LogLevel < LogLevel.Error)
        {
            return null;
        }

        var attributes = record.Attributes;
        EnrichedAttributes? list = null;
        ExceptionFacts? facts = null;
        var dataUnset = false;
        string? explicitCode;
        if (exception is null)
        {
            explicitCode = FindString(attributes, ErrorTelemetryAttributes.Code);
        }
        else
        {
            // A record with an exception is always enriched: its attributes are read once, copied as they are read.
            list = EnrichedAttributes.CopyOf(attributes, FailureRecorder.ExceptionAttributes(exception, out dataUnset), withException: true, out explicitCode);
            facts = ExceptionFacts.Of(exception);
        }

        var inherited = activity is null ? null : FailureState.Of(activity);
        ErrorDefinition? named = null;
        var uncoded = false;
        if (explicitCode is null && exception is null)
        {
            if (record.EventId.Name is { Length: > 0 } eventName && _recorder.Catalog.TryGet(eventName, out var byEvent))
            {
                named = byEvent;
            }
            else if (inherited is null)
            {
                // An uncoded Error record is a message, not a failure, unless the application asks to count it.
                if (!_countUncoded)
                {
                    return null;
                }

                uncoded = true;
            }
        }

        var state = _recorder.Resolve(named, explicitCode, exception, facts, inherited, span: null, dataUnset);

        // An uncoded record never becomes its span's failure, so an exception thrown afterwards keeps its own code.
        if (activity is not null && !uncoded)
        {
            state.AttachTo(activity);
        }

        list ??= EnrichedAttributes.CopyOf(attributes, null, withException: false, out _);
        list.AddError(state);
        record.Attributes = list;
        _recorder.Count(state, activity, record.CategoryName, inherited);
        return facts;
    }

    private static string? FindString(IReadOnlyList<KeyValuePair<string, object?>>? attributes, string key)
    {
        if (attributes is null)
        {
            return null;
        }

        for (var i = 0; i < attributes.Count; i++)
        {
            if (attributes[i].Key == key)
            {
                return attributes[i].Value as string;
            }
        }

        return null;
    }
}

/// <summary>
/// The attribute list <see cref="ErrorLogProcessor"/> gives a record: a new list nobody else holds, in three parts: the
/// record's own attributes (other than <c>error.*</c>), the error attributes built from the catalog definition
/// (<see cref="ErrorStart"/> to <see cref="ErrorEnd"/>), and the exception's context and details. It has room for the
/// exception's text, so that redaction can append the text instead of copying the list once more.
/// </summary>
internal sealed class EnrichedAttributes : List<KeyValuePair<string, object?>>
{
    /// <summary>The attributes an exception becomes: type, message and stack trace.</summary>
    public const int ExceptionRoom = 3;

    // code, type, category, severity, fingerprint, retryable and, for a converted failure, its cause.
    private const int ErrorRoom = 7;

    private readonly List<KeyValuePair<string, object?>>? _extra;

    private EnrichedAttributes(int capacity, List<KeyValuePair<string, object?>>? extra)
        : base(capacity)
    {
        _extra = extra;
    }

    /// <summary>
    /// Gets the record's attributes as they were before enrichment, when every one of them was copied (none was an
    /// <c>error.*</c> attribute) so that they are the first <see cref="ErrorStart"/> entries, in order; otherwise
    /// <see langword="null"/>. Redaction reads them through their call site's shape (<see cref="Redaction.Internal.LogValuesShape"/>).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, object?>>? Source { get; private set; }

    /// <summary>Gets the index of the first error attribute built from the catalog definition.</summary>
    public int ErrorStart { get; private set; }

    /// <summary>Gets the index after the last error attribute built from the catalog definition.</summary>
    public int ErrorEnd { get; private set; }

    /// <summary>
    /// Gets the number of attributes when the failure processor finished the list: a list whose count differs has
    /// been changed since, and its parts (<see cref="Source"/>, <see cref="ErrorStart"/>) no longer describe it.
    /// </summary>
    public int EnrichedCount { get; private set; } = -1;

    /// <summary>
    /// Copies the record's <paramref name="attributes"/> except <c>error.*</c> ones, into a list with room for the error
    /// attributes, <paramref name="extra"/> and, <paramref name="withException"/>, the exception's text, and finds the
    /// <c>error.code</c> the application wrote (as a string) on the way.
    /// </summary>
    public static EnrichedAttributes CopyOf(
        IReadOnlyList<KeyValuePair<string, object?>>? attributes,
        List<KeyValuePair<string, object?>>? extra,
        bool withException,
        out string? explicitCode)
    {
        explicitCode = null;
        var count = attributes?.Count ?? 0;
        var list = new EnrichedAttributes(count + ErrorRoom + (extra?.Count ?? 0) + (withException ? ExceptionRoom : 0), extra);
        var codeFound = false;
        for (var i = 0; i < count; i++)
        {
            var pair = attributes![i];
            if (pair.Key.StartsWith("error.", StringComparison.Ordinal))
            {
                if (!codeFound && pair.Key == ErrorTelemetryAttributes.Code)
                {
                    explicitCode = pair.Value as string;
                    codeFound = true;
                }

                continue;
            }

            list.Add(pair);
        }

        list.Source = list.Count == count ? attributes : null;
        return list;
    }

    /// <summary>Appends the error attributes of <paramref name="state"/>, then the exception's context and details.</summary>
    public void AddError(FailureState state)
    {
        var definition = state.Definition;
        ErrorStart = Count;
        Add(new(ErrorTelemetryAttributes.Code, definition.Code));
        Add(new(ErrorTelemetryAttributes.ErrorType, definition.Code));
        Add(new(ErrorTelemetryAttributes.Category, definition.CategoryName));
        Add(new(ErrorTelemetryAttributes.Severity, definition.SeverityName));
        Add(new(ErrorTelemetryAttributes.Fingerprint, state.Fingerprint));
        Add(new(ErrorTelemetryAttributes.Retryable, state.RetryableValue));
        if (state.CauseCode is not null)
        {
            Add(new(ErrorTelemetryAttributes.CauseCode, state.CauseCode));
        }

        ErrorEnd = Count;
        if (_extra is not null)
        {
            AddRange(_extra);
        }

        EnrichedCount = Count;
    }
}
