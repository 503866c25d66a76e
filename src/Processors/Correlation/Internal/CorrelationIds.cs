using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace ErrorTelemetry.Correlation.Internal;

/// <summary>
/// The one rule for correlation ids, wherever they come from (an HTTP header, W3C baggage, a message header):
/// 1 to 128 characters from <c>A-Z a-z 0-9 . _ : - / + = @</c>. Anything else is replaced, never echoed or logged,
/// because the id is written back into response headers, baggage and every log record.
/// </summary>
internal static class CorrelationIds
{
    public const int MaxLength = 128;

    // What Activity.Baggage returns for a span without baggage on it or its ancestors (one shared empty sequence):
    // recognising it skips enumerating it. Any other answer is searched, so this only ever saves work.
    private static readonly IEnumerable<KeyValuePair<string, string?>> NoBaggage = new Activity("no-baggage").Baggage;

    /// <summary>The baggage key, span attribute and log attribute that carry the id.</summary>
    public const string Key = ErrorTelemetryAttributes.CorrelationId;

    /// <summary>The conventional header name; the HTTP one is configurable.</summary>
    public const string DefaultHeaderName = "X-Correlation-ID";

    // Constant strings: checking a hostile value allocates nothing and the reason never quotes the value.
    public const string Empty = "empty";
    public const string TooLong = "longer than 128 characters";
    public const string ControlCharacters = "contains control characters";
    public const string NonAscii = "contains non-ASCII characters";
    public const string OutsideCharset = "contains characters other than A-Z a-z 0-9 . _ : - / + = @";
    public const string MultipleValues = "sent more than once";

    private const int IdBytes = 16;

    // Random bytes for 256 ids per refill (4 KB per thread that makes ids): a cryptographic generator call costs
    // about a microsecond whatever it fills up to a few KB (Guid.NewGuid() paid it on every request; 16 ids per
    // refill still paid ~60 ns an id), and a thread-static batch needs no lock.
    private const int BatchBytes = IdBytes * 256;

    [ThreadStatic]
    private static byte[]? _batch;

    [ThreadStatic]
    private static int _next;

    public static bool IsValid([NotNullWhen(true)] string? value) => value is not null && Check(value) is null;

    /// <summary>Returns null when the value is a valid correlation id, otherwise why it is not (never the value itself).</summary>
    public static string? Check(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return Empty;
        }

        if (value.Length > MaxLength)
        {
            return TooLong;
        }

        foreach (var c in value)
        {
            if (c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '_' or ':' or '-' or '/' or '+' or '=' or '@')
            {
                continue;
            }

            return c < 0x20 || c == 0x7F ? ControlCharacters : c > 0x7F ? NonAscii : OutsideCharset;
        }

        return null;
    }

    /// <summary>
    /// A new id: 32 lower-case hex digits of 128 bits from the cryptographic random generator (as unguessable as the
    /// random GUID it replaced), unrelated to the trace id so neither can be derived from the other, and no id
    /// predicts the next one.
    /// </summary>
    public static string New()
    {
        var batch = _batch;
        var next = _next;
        if (batch is null || next >= BatchBytes)
        {
            batch ??= _batch = new byte[BatchBytes];
            RandomNumberGenerator.Fill(batch);
            next = 0;
        }

        _next = next + IdBytes;
        var bytes = batch.AsSpan(next, IdBytes);
        var id = Convert.ToHexStringLower(bytes);

        // Nothing that outlives this call can recover an id handed out earlier.
        bytes.Clear();
        return id;
    }

    /// <summary>Whether <paramref name="activity"/> or one of its ancestors carries baggage (no enumeration when none does).</summary>
    public static bool HasBaggage(Activity activity) => !ReferenceEquals(activity.Baggage, NoBaggage);

    /// <summary>
    /// The valid correlation id in effect for a span: its baggage (searched up to the local root), else OpenTelemetry's
    /// ambient baggage. Allocates nothing when there is no baggage.
    /// </summary>
    public static string? Current(Activity? activity) =>
        Current(activity, activity is not null && HasBaggage(activity));

    /// <summary>
    /// <see cref="Current(Activity?)"/> for a caller that has asked <see cref="HasBaggage"/> of
    /// <paramref name="activity"/> already (<paramref name="hasBaggage"/>), so the span's chain is not walked again.
    /// </summary>
    public static string? Current(Activity? activity, bool hasBaggage)
    {
        var id = hasBaggage ? activity!.GetBaggageItem(Key) : null;
        if (IsValid(id))
        {
            return id;
        }

        // The ambient baggage read directly: Baggage.GetBaggage(key) first compares its optional baggage argument with
        // the default one, and then reads this same Current.
        id = OpenTelemetry.Baggage.Current.GetBaggage(Key);
        return IsValid(id) ? id : null;
    }
}
