using System.Diagnostics;
using ErrorTelemetry.Diagnostics;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace ErrorTelemetry.Failures.Internal;

/// <summary>
/// Runs on every log record ahead of every exporter: records that carry an exception, or are at Error level and
/// above, get the error code and its attributes, and their failure is counted unless a span or an earlier log
/// record already counted it.
/// </summary>
internal sealed class ErrorLogProcessor : BaseProcessor<LogRecord>
{
    private readonly FailureRecorder _recorder;

    public ErrorLogProcessor(FailureRecorder recorder)
    {
        _recorder = recorder;
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
        var state = _recorder.Resolve(explicitDefinition: null, explicitCode, exception, inherited, span: null);
        if (activity is not null)
        {
            state.AttachTo(activity);
        }

        record.Attributes = WithErrorAttributes(attributes, state, exception);
        _recorder.Count(state, activity, record.CategoryName, inherited);
    }

    private static List<KeyValuePair<string, object?>> WithErrorAttributes(
        IReadOnlyList<KeyValuePair<string, object?>>? attributes,
        FailureState state,
        Exception? exception)
    {
        var definition = state.Definition;
        var list = new List<KeyValuePair<string, object?>>((attributes?.Count ?? 0) + 7);
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
        list.Add(new(ErrorTelemetryAttributes.Retryable, definition.Retryable));
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
