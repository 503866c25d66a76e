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
        try
        {
            Enrich(data);
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(ErrorLogProcessor), ex);
        }
    }

    private void Enrich(LogRecord record)
    {
        var exception = record.Exception;
        if (exception is null && record.LogLevel < LogLevel.Error)
        {
            return;
        }

        var attributes = record.Attributes;
        var explicitCode = FindString(attributes, ErrorTelemetryAttributes.Code);
        var activity = Activity.Current;

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
                    return;
                }

                uncoded = true;
            }
        }

        var state = _recorder.Resolve(named, explicitCode, exception, inherited, span: null);

        // An uncoded record never becomes its span's failure, so an exception thrown afterwards keeps its own code.
        if (activity is not null && !uncoded)
        {
            state.AttachTo(activity);
        }

        record.Attributes = WithErrorAttributes(attributes, state, exception);
        _recorder.Count(state, activity, record.CategoryName, inherited);
    }

    private static EnrichedAttributes WithErrorAttributes(
        IReadOnlyList<KeyValuePair<string, object?>>? attributes,
        FailureState state,
        Exception? exception)
    {
        var definition = state.Definition;
        var list = new EnrichedAttributes((attributes?.Count ?? 0) + 7 + (exception is null ? 0 : EnrichedAttributes.ExceptionRoom));
        if (attributes is not null)
        {
            for (var i = 0; i < attributes.Count; i++)
            {
                var key = attributes[i].Key;
                if (!key.StartsWith("error.", StringComparison.Ordinal))
                {
                    list.Add(attributes[i]);
                }
            }
        }

        list.Add(new(ErrorTelemetryAttributes.Code, definition.Code));
        list.Add(new(ErrorTelemetryAttributes.ErrorType, definition.Code));
        list.Add(new(ErrorTelemetryAttributes.Category, definition.CategoryName));
        list.Add(new(ErrorTelemetryAttributes.Severity, definition.SeverityName));
        list.Add(new(ErrorTelemetryAttributes.Fingerprint, state.Fingerprint));
        list.Add(new(ErrorTelemetryAttributes.Retryable, state.RetryableValue));
        if (state.CauseCode is not null)
        {
            list.Add(new(ErrorTelemetryAttributes.CauseCode, state.CauseCode));
        }

        if (exception is not null && FailureRecorder.ExceptionAttributes(exception) is { } extra)
        {
            list.AddRange(extra);
        }

        return list;
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
/// The attribute list <see cref="ErrorLogProcessor"/> gives a record: a new list nobody else holds, with room for the
/// exception's text, so that redaction can append the text instead of copying the list once more.
/// </summary>
internal sealed class EnrichedAttributes(int capacity) : List<KeyValuePair<string, object?>>(capacity)
{
    /// <summary>The attributes an exception becomes: type, message and stack trace.</summary>
    public const int ExceptionRoom = 3;
}
