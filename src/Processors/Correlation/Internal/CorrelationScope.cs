using System.Collections;

namespace ErrorTelemetry.Correlation.Internal;

/// <summary>
/// The logging scope of a request: every logger provider that supports scopes (console JSON, Serilog, the
/// OpenTelemetry provider with <c>IncludeScopes</c>) sees <c>correlation.id</c> on every record of the request.
/// </summary>
internal sealed class CorrelationScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?> _item;
    private string? _text;

    public CorrelationScope(string correlationId)
    {
        _item = new(CorrelationIds.Key, correlationId);
    }

    public int Count => 1;

    public KeyValuePair<string, object?> this[int index] =>
        index == 0 ? _item : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return _item;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // Text formatters print scopes with ToString().
    public override string ToString() => _text ??= CorrelationIds.Key + ":" + _item.Value;
}
