using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ErrorTelemetry.Core.Internal;
using ErrorTelemetry.Diagnostics;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// The redaction engine: removes secrets and personal data from attribute values and free text. Built once from
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

    private const string PseudonymPrefix = "pseu_";
    private const int PseudonymHexChars = 16;
    private const int MaxCachedKeys = 4096;

    private static readonly string[] BuiltInDetectorNames =
    [
        "private_key", "url_userinfo", "url_query", "key_value", "jwt", "auth_header", "aws_key", "api_key", "email",
        "iban", "card", "ssn", "phone",
    ];

    private readonly RedactionDetector[] _detectors;
    private readonly PaymentCardDetector? _cardDetector;
    private readonly SensitiveKeyClassifier _classifier;
    private readonly KeyPatternSet _preserved;
    private readonly KeyPatternSet _pseudonymized;
    private readonly KeyPatternSet _allowed;
    private readonly bool _failClosed;
    private readonly byte[]? _pseudonymizationKey;
    private readonly ConcurrentDictionary<string, KeyRule> _rules = new(StringComparer.Ordinal);
    private int _cachedRules;

    /// <summary>Initializes a new instance of the <see cref="Redactor"/> class.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message names every bad setting.</exception>
    public Redactor(RedactionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = RedactionOptionsValidator.GetFailures(options);
        if (failures is not null)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, failures), nameof(options));
        }

        _classifier = new SensitiveKeyClassifier(options.SensitiveKeys);
        _preserved = new KeyPatternSet(options.PreservedKeys);
        _pseudonymized = new KeyPatternSet(options.PseudonymizedKeys);
        _allowed = new KeyPatternSet(options.AllowedKeys);
        _failClosed = options.FailClosed;
        if (!string.IsNullOrEmpty(options.PseudonymizationKey))
        {
            _pseudonymizationKey = Encoding.UTF8.GetBytes(options.PseudonymizationKey);
        }
        else if (!_pseudonymized.IsEmpty)
        {
            PseudonymizationWarning =
                $"{RedactionOptions.SectionName}:PseudonymizationKey is not set, so values of "
                + $"{string.Join(", ", options.PseudonymizedKeys)} are masked as {UserReplacement} instead of "
                + "pseudonymized. Set a secret key of at least 16 random characters (the same in every service) "
                + "to follow users across signals without exporting their ids.";
        }

        var disabled = new HashSet<string>(options.DisabledDetectors, StringComparer.OrdinalIgnoreCase);
        var detectors = new List<RedactionDetector>();
        void Add(RedactionDetector detector)
        {
            if (!disabled.Contains(detector.Name))
            {
                detectors.Add(detector);
            }
        }

        // Order matters: structural detectors first, so later ones see "[REDACTED…]" instead of the parts they
        // would otherwise half-match (an e-mail inside URL user-info, a password that looks like a phone number).
        Add(new PrivateKeyDetector());
        Add(new UrlUserInfoDetector());
        Add(new UrlQueryDetector(_classifier, options.SensitiveQueryParameters));
        Add(new KeyValueDetector(_classifier));
        Add(new JwtDetector());
        Add(new AuthHeaderDetector());
        Add(new AwsAccessKeyDetector());
        Add(new ApiKeyDetector());
        Add(new EmailDetector());
        Add(new IbanDetector());
        _cardDetector = disabled.Contains("card") ? null : new PaymentCardDetector();
        if (_cardDetector is not null)
        {
            detectors.Add(_cardDetector);
        }

        Add(new SsnDetector());
        Add(new PhoneDetector());
        foreach (var (name, pattern) in options.CustomPatterns)
        {
            detectors.Add(new RegexDetector(name, pattern));
        }

        foreach (var detector in options.Detectors)
        {
            detectors.Add(detector);
        }

        _detectors = [.. detectors];
    }

    /// <summary>Gets the names of the built-in detectors, for <see cref="RedactionOptions.DisabledDetectors"/>.</summary>
    public static IReadOnlyList<string> DetectorNames => BuiltInDetectorNames;

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
    /// Returns <paramref name="text"/> with every detected secret replaced; the same instance when nothing was found.
    /// </summary>
    public string Redact(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        var current = text;
        foreach (var detector in _detectors)
        {
            try
            {
                current = Apply(detector, current);
            }
            catch (Exception ex)
            {
                ErrorTelemetryEventSource.Log.RedactionFailed(detector.Name, ex);
                return ErrorReplacement;
            }
        }

        return current;
    }

    /// <summary>
    /// Redacts one attribute: drops it (fail-closed mode), replaces it whole (sensitive key), keeps it (preserved
    /// key), pseudonymizes it, or scans its value. Strings, string and object arrays are scanned; numbers are checked
    /// for card numbers; other primitives pass; other objects are scanned through <see cref="object.ToString"/>.
    /// </summary>
    /// <returns>The value to export: the same instance when unchanged, <see langword="null"/> when dropped.</returns>
    public object? RedactAttribute(string key, object? value, out bool drop)
    {
        drop = false;
        try
        {
            var rule = GetRule(key ?? string.Empty);
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
                    return Pseudonymize(value);
                default:
                    return RedactValue(value);
            }
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.RedactionFailed(key ?? "attribute", ex);
            return ErrorReplacement;
        }
    }

    /// <summary>Returns whether values of <paramref name="key"/> leave the process unscanned.</summary>
    public bool IsPreserved(string key) => GetRule(key).Action == KeyAction.Preserve;

    /// <summary>Returns whether <paramref name="key"/> names a secret, so its whole value is replaced.</summary>
    public bool IsSensitiveKey(string key) => GetRule(key).Action == KeyAction.Replace;

    /// <summary>Returns whether an attribute with <paramref name="key"/> is dropped (fail-closed mode).</summary>
    public bool IsDropped(string key) => GetRule(key).Action == KeyAction.Drop;

    // Header attributes are string arrays; a redacted header keeps its shape.
    private static string[] Fill(int length, string replacement)
    {
        var values = new string[length];
        Array.Fill(values, replacement);
        return values;
    }

    private static string Apply(RedactionDetector detector, string text)
    {
        ReadOnlySpan<char> span = text;
        if (!detector.CanMatch(span))
        {
            return text;
        }

        StringBuilder? builder = null;
        var position = 0;
        while (position < span.Length
            && detector.TryFindReplacement(span, position, out var index, out var length, out var replacement))
        {
            if (index < position || length <= 0 || index + length > span.Length)
            {
                throw new InvalidOperationException(
                    $"Detector '{detector.Name}' returned the range {index}+{length}, outside {position}..{span.Length}.");
            }

            builder ??= new StringBuilder(span.Length + 32);
            builder.Append(span[position..index]).Append(replacement);
            position = index + length;
        }

        if (builder is null)
        {
            return text;
        }

        return builder.Append(span[position..]).ToString();
    }

    private object? RedactValue(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case string text:
                return Redact(text);
            case bool or int or short or byte or sbyte or ushort or uint or char or double or float
                or Guid or DateTime or DateTimeOffset or TimeSpan or Enum:
                return value;
            case long number:
                return number is >= 1_000_000_000_000 or <= -1_000_000_000_000 ? RedactNumber(number, value) : value;
            case ulong number:
                return number >= 1_000_000_000_000 ? RedactNumber(number, value) : value;
            case decimal number:
                return number is >= 1_000_000_000_000m or <= -1_000_000_000_000m ? RedactNumber(number, value) : value;
            case string[] texts:
                return RedactArray(texts);
            case object?[] objects:
                return RedactArray(objects);
            case long[] numbers:
                return RedactArray(numbers);
            case Array:
                // Arrays of other primitives (bool[], int[], double[]) cannot hold text.
                return value;
            default:
                var formatted = value is IFormattable formattable
                    ? formattable.ToString(null, CultureInfo.InvariantCulture)
                    : value.ToString();
                if (formatted is null)
                {
                    return value;
                }

                var redacted = Redact(formatted);
                return ReferenceEquals(redacted, formatted) ? value : redacted;
        }
    }

    private object RedactNumber<T>(T number, object original)
        where T : ISpanFormattable
    {
        if (_cardDetector is null)
        {
            return original;
        }

        Span<char> digits = stackalloc char[40];
        if (number.TryFormat(digits, out var written, "G", CultureInfo.InvariantCulture)
            && _cardDetector.TryFind(digits[..written], 0, out _, out _))
        {
            return _cardDetector.Replacement;
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

    private object?[] RedactArray(object?[] values)
    {
        object?[]? copy = null;
        for (var i = 0; i < values.Length; i++)
        {
            var redacted = RedactValue(values[i]);
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

    private object? Pseudonymize(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case string[] texts:
                var copy = new string[texts.Length];
                for (var i = 0; i < texts.Length; i++)
                {
                    copy[i] = Pseudonymize(texts[i] ?? string.Empty);
                }

                return copy;
            case string text:
                return Pseudonymize(text);
            default:
                var formatted = value is IFormattable formattable
                    ? formattable.ToString(null, CultureInfo.InvariantCulture)
                    : value.ToString();
                return Pseudonymize(formatted ?? string.Empty);
        }
    }

    private string Pseudonymize(string text)
    {
        if (_pseudonymizationKey is null)
        {
            return UserReplacement;
        }

        if (IsPseudonym(text))
        {
            return text;
        }

        var maxBytes = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        var buffer = maxBytes <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            var byteCount = Encoding.UTF8.GetBytes(text, buffer);
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(_pseudonymizationKey, buffer[..byteCount], mac);
            Span<char> pseudonym = stackalloc char[PseudonymPrefix.Length + PseudonymHexChars];
            PseudonymPrefix.CopyTo(pseudonym);
            Convert.TryToHexStringLower(mac[..(PseudonymHexChars / 2)], pseudonym[PseudonymPrefix.Length..], out _);
            return new string(pseudonym);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    // A value that already went through pseudonymization (a processor running twice) must stay stable.
    private static bool IsPseudonym(string text)
    {
        if (text.Length != PseudonymPrefix.Length + PseudonymHexChars || !text.StartsWith(PseudonymPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in text.AsSpan(PseudonymPrefix.Length))
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private KeyRule GetRule(string key)
    {
        if (_rules.TryGetValue(key, out var rule))
        {
            return rule;
        }

        rule = ComputeRule(key);

        // Keys are normally a small fixed set; the bound protects against keys built from data.
        if (Volatile.Read(ref _cachedRules) < MaxCachedKeys && _rules.TryAdd(key, rule))
        {
            Interlocked.Increment(ref _cachedRules);
        }

        return rule;
    }

    private KeyRule ComputeRule(string key)
    {
        var exactPreserved = _preserved.ContainsExact(key);
        var preserved = exactPreserved || _preserved.MatchesPrefix(key, ApplicationDataPrefixLength(key));
        if (_failClosed && !preserved && !_allowed.Matches(key) && key != OriginalFormatKey)
        {
            return KeyRule.Drop;
        }

        // Only an exact preserved entry may keep a key that names a secret; a prefix such as "error.*" may not.
        if (!exactPreserved && key != OriginalFormatKey && _classifier.Classify(key) is { } kind)
        {
            return new KeyRule(KeyAction.Replace, kind.Replacement);
        }

        if (preserved)
        {
            return KeyRule.Preserve;
        }

        return _pseudonymized.Matches(key) ? KeyRule.Pseudonymize : KeyRule.Scan;
    }

    // error.context.* and error.detail.* hold what application code attached to an exception (an e-mail, a card
    // number): data, not our ids. A broad prefix such as the default "error.*" must not exempt them from scanning;
    // only an exact entry or a prefix at least as specific as theirs may.
    private static int ApplicationDataPrefixLength(string key)
    {
        if (key.StartsWith(ErrorTelemetryAttributes.ContextPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return ErrorTelemetryAttributes.ContextPrefix.Length;
        }

        return key.StartsWith(FailureRecorder.DetailPrefix, StringComparison.OrdinalIgnoreCase)
            ? FailureRecorder.DetailPrefix.Length
            : 0;
    }

    private enum KeyAction
    {
        Scan,
        Drop,
        Replace,
        Preserve,
        Pseudonymize,
    }

    private sealed class KeyRule(KeyAction action, string? replacement = null)
    {
        public static readonly KeyRule Scan = new(KeyAction.Scan);
        public static readonly KeyRule Drop = new(KeyAction.Drop);
        public static readonly KeyRule Preserve = new(KeyAction.Preserve);
        public static readonly KeyRule Pseudonymize = new(KeyAction.Pseudonymize);

        public KeyAction Action { get; } = action;

        public string? Replacement { get; } = replacement;
    }
}
