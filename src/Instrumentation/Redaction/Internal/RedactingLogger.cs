using ErrorTelemetry.Diagnostics;
using ErrorTelemetry.Failures.Internal;
using Microsoft.Extensions.Logging;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Wraps the logger of a non-OpenTelemetry provider (console, debug, EventSource, …) so the message, the structured
/// state values, the exception text and the scopes it receives are redacted.
/// </summary>
/// <remarks>
/// A clean message is passed through untouched (the original state and formatter). Otherwise the provider gets
/// redacted state whose <see cref="object.ToString"/> is the redacted message, and, when the exception text held a
/// secret, a stand-in exception whose <see cref="Exception.Message"/>, <see cref="Exception.StackTrace"/> and
/// <see cref="Exception.ToString"/> are redacted. Never throws because of redaction. Cost per enabled call: the
/// message is formatted once more than the provider would on its own, and a struct state is boxed once; these
/// providers write text anyway, and the OpenTelemetry path is not decorated this way.
/// </remarks>
internal sealed class RedactingLogger : ILogger
{
    private readonly ILogger _inner;
    private readonly Redactor _redactor;

    public RedactingLogger(ILogger inner, Redactor redactor)
    {
        _inner = inner;
        _redactor = redactor;
    }

    public bool IsEnabled(LogLevel logLevel) => _inner.IsEnabled(logLevel);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull
    {
        var redacted = LogStateRedaction.RedactScope(_redactor, state);
        return ReferenceEquals(redacted, state) || redacted is null ? _inner.BeginScope(state) : _inner.BeginScope(redacted);
    }

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!_inner.IsEnabled(logLevel))
        {
            return;
        }

        RedactedLogValues? redactedState;
        Exception? redactedException;
        try
        {
            var message = formatter is null ? state?.ToString() ?? string.Empty : formatter(state, exception);
            redactedState = state switch
            {
                IReadOnlyList<KeyValuePair<string, object?>> list => LogStateRedaction.Redact(_redactor, list, message),
                IEnumerable<KeyValuePair<string, object?>> pairs => LogStateRedaction.Redact(_redactor, [.. pairs], message),
                _ => null,
            };

            var redactedMessage = redactedState?.Message ?? _redactor.Redact(message);
            redactedException = exception is null ? null : RedactedException.Create(_redactor, exception);
            if (redactedState is null && !ReferenceEquals(redactedMessage, message))
            {
                redactedState = new RedactedLogValues(CopyPairs(state), redactedMessage);
            }
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.RedactionFailed("log message", ex);
            redactedState = new RedactedLogValues([], Redactor.ErrorReplacement);
            redactedException = null;
        }

        if (redactedState is null && ReferenceEquals(redactedException, exception))
        {
            _inner.Log(logLevel, eventId, state, exception, formatter!);
        }
        else if (redactedState is null)
        {
            _inner.Log(logLevel, eventId, state, redactedException, formatter!);
        }
        else
        {
            _inner.Log(logLevel, eventId, redactedState, redactedException, RedactedLogValues.Formatter);
        }
    }

    private static KeyValuePair<string, object?>[] CopyPairs<TState>(TState state) => state switch
    {
        IEnumerable<KeyValuePair<string, object?>> pairs => [.. pairs],
        _ => [],
    };

    /// <summary>
    /// Stands in for the application's exception: prints as the original would, redacted, from the text rendered once
    /// per exception (shared with the OpenTelemetry log record and the span), so a text provider never renders the
    /// original again.
    /// </summary>
    private sealed class RedactedException : Exception
    {
        private readonly Exception _original;
        private readonly Redactor _redactor;
        private readonly string _text;
        private string? _stackTrace;
        private bool _stackTraceRead;

        private RedactedException(RenderedException rendered, Exception original, Redactor redactor)
            : base(rendered.Message)
        {
            _text = rendered.Text;
            _original = original;
            _redactor = redactor;
            HResult = original.HResult;
        }

        public override string? StackTrace
        {
            get
            {
                if (!_stackTraceRead)
                {
                    _stackTrace = ExceptionText.RedactedStackTrace(_original, _redactor.Redact);
                    _stackTraceRead = true;
                }

                return _stackTrace;
            }
        }

        public static RedactedException Create(Redactor redactor, Exception exception) =>
            new RedactedException(LogRecordRedaction.RenderException(exception, redactor), exception, redactor);

        public override string ToString() => _text;
    }
}
