using System.Collections;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Structured log state (or a scope) after redaction: the redacted key/value pairs, and the message rendered from
/// them, returned by <see cref="ToString"/> as Microsoft.Extensions.Logging's own state does, so console formatters
/// print the redacted message.
/// </summary>
internal sealed class RedactedLogValues : IReadOnlyList<KeyValuePair<string, object?>>
{
    /// <summary>The formatter to pass to <c>ILogger.Log</c> with this state.</summary>
    public static readonly Func<RedactedLogValues, Exception?, string> Formatter = static (state, _) => state.Message;

    private readonly KeyValuePair<string, object?>[] _values;

    public RedactedLogValues(KeyValuePair<string, object?>[] values, string message)
    {
        _values = values;
        Message = message;
    }

    public string Message { get; }

    public int Count => _values.Length;

    public KeyValuePair<string, object?> this[int index] => _values[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => Message;
}
