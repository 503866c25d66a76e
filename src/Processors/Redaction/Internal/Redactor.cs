using System.Globalization;
using System.Net;
using ErrorTelemetry.Diagnostics;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// The redaction engine's entry point: removes secrets and personal data from attribute values and free text. It
/// puts together the key policy (<see cref="KeyPolicy"/>), the pseudonymizer (<see cref="Pseudonymizer"/>) and the
/// detectors (<see cref="DetectorPipeline"/>), and dispatches values by type. Built once from
/// <see cref="RedactionOptions"/>; immutable and thread-safe afterwards.
/// </summary>
/// <remarks>
/// Nothing here throws after construction. A detector that throws, or a value whose redaction fails, is replaced
/// whole with <see cref="ErrorReplacement"/> and reported through <see cref="ErrorTelemetryEventSource"/>. A value
/// with nothing to redact is returned as the same instance, without allocating.
/// </remarks>
internal sealed class Redactor
{
    /// <summary>What a value becomes when its redaction failed.</summary>
    public const string ErrorReplacement = "[REDACTED:error]";

    /// <summary>What a pseudonymized value becomes when no pseudonymization key is configured.</summary>
    public const string UserReplacement = "[REDACTED:user]";

    /// <summary>The key of the message template in structured log state.</summary>
    public const string OriginalFormatKey = "{OriginalFormat}";

    // How deep object arrays and key-value maps inside an attribute value are followed.
    private const int MaxNesting = 4;

    private readonly KeyPolicy _keys;
    private readonly Pseudonymizer _pseudonymizer;
    private readonly DetectorPipeline _detectors;

    /// <summary>Initializes a new instance of the <see cref="Redactor"/> class.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message names every bad setting.</exception>
    public Redactor(RedactionOptions options)
        : this(options, rememberCleanValues: true)
    {
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="Redactor"/> class; without remembering clean values, every value
    /// is scanned every time (what a value costs the first time it is seen).
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid; the message names every bad setting.</exception>
    internal Redactor(RedactionOptions options, bool rememberCleanValues)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = RedactionOptionsValidator.GetFailures(options);
        if (failures is not null)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, failures), nameof(options));
        }

        var classifier = new SensitiveKeyClassifier(options.SensitiveKeys);
        _keys = new KeyPolicy(options, classifier);
        _pseudonymizer = new Pseudonymizer(options.PseudonymizationKey, options.PseudonymizationKeyId);
        _detectors = new DetectorPipeline(options, classifier, rememberCleanValues);
        if (!_pseudonymizer.HasKey && _keys.HasPseudonymizedKeys)
        {
            PseudonymizationWarning =
                $"{RedactionOptions.SectionName}:PseudonymizationKey is not set, so values of "
                + $"{string.Join(", ", options.PseudonymizedKeys)} are masked as {UserReplacement} instead of "
                + $"pseudonymized. Set a secret key of at least {RedactionConstants.MinimumPseudonymizationKeyBytes} random bytes (the same in every service) "
                + "to follow users across signals without exporting their ids.";
        }
    }

    /// <summary>Gets the names of the built-in detectors, for <see cref="RedactionOptions.DisabledDetectors"/>.</summary>
    public static IReadOnlyList<string> DetectorNames => DetectorPipeline.DetectorNames;

    /// <summary>
    /// Gets the start-up warning to log once when pseudonymized keys are configured without a key, or
    /// <see langword="null"/>. The host logs it; <see cref="ReportStartupWarnings"/> also sends it to the EventSource.
    /// </summary>
    public string? PseudonymizationWarning { get; }

    /// <summary>Sends the start-up warnings to <see cref="ErrorTelemetryEventSource"/>. Call once.</summary>
    public void ReportStartupWarnings()
    {
        if (PseudonymizationWarning is not null)
        {
            ErrorTelemetryEventSource.Log.ConfigurationWarning(PseudonymizationWarning);
        }
    }

    /// <summary>
    /// Gets a value indicating whether this redactor remembers clean values: it runs no code detectors, so the same
    /// text always gets the same answer, and an answer about a constant text (a message template) may be kept.
    /// </summary>
    public bool RemembersCleanValues => _detectors.RemembersCleanValues;

    /// <summary>
    /// Returns <paramref name="text"/> with every detected secret replaced; the same instance when nothing was found.
    /// </summary>
    public string Redact(string text)
    {
        _detectors.TryRedact(text, out var redacted);
        return redacted;
    }

    /// <summary>
    /// Redacts <paramref name="text"/> once: returns <see langword="false"/>, with <paramref name="redacted"/> the
    /// same instance and without allocating, when nothing was redacted; <see langword="true"/> and the redacted text
    /// otherwise. Lets a caller that must know whether anything changed skip a second pass.
    /// </summary>
    public bool TryRedact(string text, out string redacted) => _detectors.TryRedact(text, out redacted);

    /// <summary>
    /// Redacts one attribute: drops it (fail-closed mode), replaces it whole (sensitive key), keeps it (preserved
    /// key), pseudonymizes it, or scans its value. Strings, string and object arrays are scanned; numbers are checked
    /// for card numbers; other primitives pass; other objects are scanned through <see cref="object.ToString"/>.
    /// </summary>
    /// <returns>The value to export: the same instance when unchanged, <see langword="null"/> when dropped.</returns>
    public object? RedactAttribute(string key, object? value, out bool drop)
    {
        drop = false;

        // The common cases on every span and record: a preserved key, or the same clean text under the same key as
        // last time. Only reads what is remembered, so it cannot throw; anything else takes the full path.
        return KeepsAsRemembered(key, value) ? value : RedactAttributeCore(key!, value, out drop);
    }

    /// <summary>
    /// Returns whether <see cref="RedactAttribute"/> keeps <paramref name="value"/> under <paramref name="key"/> as it
    /// is, known from what this redactor remembers alone: the key is preserved, or the value is the very text last
    /// found clean under it. <see langword="false"/> means only "not known": the full path decides. Never throws, and
    /// changes nothing.
    /// </summary>
    public bool KeepsAsRemembered(string? key, object? value) =>
        key is not null && _keys.GetRecent(key) is { } recent && recent.KeepsRemembered(value);

    private object? RedactAttributeCore(string key, object? value, out bool drop)
    {
        drop = false;
        try
        {
            var known = _keys.GetKnown(key ?? string.Empty);
            var rule = known.Rule;
            if (value is string text && rule.Action == KeyAction.Scan && _detectors.IsKnownClean(text))
            {
                known.LastClean = text;
                return value;
            }

            switch (rule.Action)
            {
                case KeyAction.Drop:
                    drop = true;
                    return null;
                case KeyAction.Replace:
                    return value switch
                    {
                        null => null,
                        string[] values => Fill(values.Length, rule.Replacement!),
                        _ => rule.Replacement,
                    };
                case KeyAction.Preserve:
                    return value;
                case KeyAction.Pseudonymize:
                    return _pseudonymizer.Pseudonymize(value);
                case KeyAction.TruncateAddress:
                    return TruncateAddress(value);
                default:
                    return PaymentCardDetector.IsOrderNumberAttribute(key ?? string.Empty, value) ? value : RedactValue(value);
            }
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.RedactionFailed(key ?? "attribute", ex);
            return ErrorReplacement;
        }
    }

    /// <summary>
    /// Returns the value to export for text already redacted as text (an exception's rendered message and stack trace,
    /// redacted once per exception): it is not scanned again, but the key's own rule still applies, on spans and log
    /// records alike: a key dropped by fail-closed mode is dropped, a sensitive key is replaced.
    /// </summary>
    /// <returns>The value to export: the same instance when unchanged, <see langword="null"/> when dropped.</returns>
    public object? ApplyKeyRule(string key, object? value, out bool drop)
    {
        var action = _keys.GetRule(key).Action;
        drop = action == KeyAction.Drop;
        return drop ? null : action == KeyAction.Replace ? RedactAttribute(key, value, out drop) : value;
    }

    /// <summary>
    /// Returns the pseudonym of <paramref name="value"/>, as values of pseudonymized keys get it (or
    /// <see cref="UserReplacement"/> without a key). Never throws.
    /// </summary>
    public string Pseudonymize(string value) => _pseudonymizer.Pseudonymize(value);

    /// <summary>
    /// Returns whether a value of <paramref name="type"/> cannot hold text and leaves a scanned attribute unchanged:
    /// Booleans, characters, the integers up to 32 bits, floating-point numbers, GUIDs, dates, times and enums. (Longer
    /// integers and decimals may be card numbers.)
    /// </summary>
    public static bool PassesThroughByType(Type type) =>
        type == typeof(int) || type == typeof(bool) || type == typeof(double) || type == typeof(float)
        || type == typeof(short) || type == typeof(byte) || type == typeof(sbyte) || type == typeof(ushort)
        || type == typeof(uint) || type == typeof(char) || type == typeof(Guid) || type == typeof(DateTime)
        || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type.IsEnum;

    /// <summary>
    /// Returns whether an attribute with <paramref name="key"/> whose value passes through by type
    /// (<see cref="PassesThroughByType"/>) is exported unchanged: its key is neither replaced, dropped nor pseudonymized.
    /// </summary>
    public bool KeepsTypedValue(string key) => _keys.GetRule(key).Action is KeyAction.Scan or KeyAction.Preserve;

    /// <summary>
    /// Returns <paramref name="key"/> as this redactor remembers it, so that a caller that sees the same key on every
    /// call (a log call site's placeholder) can ask <see cref="KnownKey.KeepsRemembered"/> without looking it up.
    /// </summary>
    internal KnownKey RememberedKey(string key) => _keys.GetKnown(key);

    /// <summary>Returns whether values of <paramref name="key"/> leave the process unscanned.</summary>
    public bool IsPreserved(string key) => _keys.GetRule(key).Action == KeyAction.Preserve;

    /// <summary>Returns whether an attribute with <paramref name="key"/> is dropped (fail-closed mode).</summary>
    public bool IsDropped(string key) => _keys.GetRule(key).Action == KeyAction.Drop;

    // A client address loses its host part; what is not an address (alone or in a list) is scanned as any value.
    private object? TruncateAddress(object? value) => value switch
    {
        string text when ClientAddressTruncator.TryTruncate(text, out var truncated) => Redact(truncated),
        IPAddress address => ClientAddressTruncator.Truncate(address).ToString(),
        string[] texts => Array.ConvertAll(texts, text => text is null ? text! : Redact(ClientAddressTruncator.TryTruncate(text, out var truncated) ? truncated : text)),
        _ => RedactValue(value),
    };

    // Header attributes are string arrays; a redacted header keeps its shape.
    private static string[] Fill(int length, string replacement)
    {
        var values = new string[length];
        Array.Fill(values, replacement);
        return values;
    }

    private object? RedactValue(object? value, int depth = 0)
    {
        if (depth > MaxNesting)
        {
            // A collection that contains itself, or nests deeper than any real attribute does.
            return ErrorReplacement;
        }

        switch (value)
        {
            case null:
                return null;
            case string text:
                return Redact(text);
            case long number:
                return number is >= 1_000_000_000_000 or <= -1_000_000_000_000 ? RedactNumber(number, value) : value;
            case ulong number:
                return number >= 1_000_000_000_000 ? RedactNumber(number, value) : value;
            case decimal number:
                return number is >= 1_000_000_000_000m or <= -1_000_000_000_000m ? RedactNumber(number, value) : value;
            case string[] texts:
                return RedactArray(texts);
            case object?[] objects:
                return RedactArray(objects, depth);
            case long[] numbers:
                return RedactArray(numbers);
            case char[] chars:
                // Exporters write a char[] letter by letter, where no detector can see the secret: scan it as text.
                return RedactText(new string(chars), value);
            case IEnumerable<KeyValuePair<string, object?>> map:
                // Exporters write such a value as a key-value list, entry by entry, never through ToString().
                return RedactMap(map, depth);
            case Array:
                // Arrays of other primitives (bool[], int[], double[]) cannot hold text.
                return value;
            case ValueType when PassesThroughByType(value.GetType()):
                return value;
            default:
                var formatted = value is IFormattable formattable
                    ? formattable.ToString(null, CultureInfo.InvariantCulture)
                    : value.ToString();
                if (formatted is null)
                {
                    return value;
                }

                return RedactText(formatted, value);
        }
    }

    private object RedactText(string text, object original)
    {
        var redacted = Redact(text);
        return ReferenceEquals(redacted, text) ? original : redacted;
    }

    private object RedactMap(IEnumerable<KeyValuePair<string, object?>> map, int depth)
    {
        var copy = new List<KeyValuePair<string, object?>>();
        var changed = false;
        foreach (var (key, item) in map)
        {
            var drop = false;
            var redacted = _keys.GetRule(key ?? string.Empty).Action switch
            {
                KeyAction.Scan => RedactValue(item, depth + 1),
                _ => RedactAttribute(key ?? string.Empty, item, out drop),
            };
            changed |= drop || !ReferenceEquals(redacted, item);
            if (!drop)
            {
                copy.Add(new(key!, redacted));
            }
        }

        return changed ? copy : map;
    }

    private object RedactNumber<T>(T number, object original)
        where T : ISpanFormattable
    {
        if (_detectors.CardDetector is not { } cards)
        {
            return original;
        }

        Span<char> digits = stackalloc char[40];
        if (number.TryFormat(digits, out var written, "G", CultureInfo.InvariantCulture)
            && cards.TryFind(digits[..written], 0, out _, out _))
        {
            return cards.Replacement;
        }

        return original;
    }

    private string[] RedactArray(string[] texts)
    {
        string[]? copy = null;
        for (var i = 0; i < texts.Length; i++)
        {
            var text = texts[i];
            var redacted = text is null ? null : Redact(text);
            if (!ReferenceEquals(redacted, text))
            {
                copy ??= (string[])texts.Clone();
                copy[i] = redacted!;
            }
        }

        return copy ?? texts;
    }

    private object?[] RedactArray(object?[] values, int depth)
    {
        object?[]? copy = null;
        for (var i = 0; i < values.Length; i++)
        {
            var redacted = RedactValue(values[i], depth + 1);
            if (!ReferenceEquals(redacted, values[i]))
            {
                copy ??= (object?[])values.Clone();
                copy[i] = redacted;
            }
        }

        return copy ?? values;
    }

    private object RedactArray(long[] numbers)
    {
        foreach (var number in numbers)
        {
            var boxed = RedactValue(number);
            if (boxed is string)
            {
                var copy = new object?[numbers.Length];
                for (var i = 0; i < numbers.Length; i++)
                {
                    copy[i] = RedactValue(numbers[i]);
                }

                return copy;
            }
        }

        return numbers;
    }
}
