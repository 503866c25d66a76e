using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using ErrorTelemetry.Diagnostics;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// The detectors in their order, behind one pre-scan (<see cref="AnchorScan"/>): a value with nothing to redact costs
/// that scan and no detector; a detector runs only when an anchor it needs was seen. A value longer than
/// <see cref="RedactionOptions.MaxValueLength"/> is cut to it, with a marker, before anything scans it, so one value's
/// cost is bounded. Values found clean are remembered (<see cref="CleanValueCache"/>), so a value repeated on every
/// span costs a comparison after its first scan; not when code detectors (<see cref="RedactionOptions.Detectors"/>)
/// run, since only the built-in and pattern detectors are known to be pure. Thread-safe.
/// </summary>
internal sealed class DetectorPipeline
{
    private static readonly string[] BuiltInDetectorNames =
    [
        "private_key", "url_userinfo", "url_query", "cookie", "key_value", "jwt", "auth_header", "aws_key", "api_key", "email",
        "iban", "card", "ssn", "phone",
    ];

    // The stack buffer a redacted text is put together in, in characters (longer ones rent from the array pool).
    private const int BuilderStackChars = 256;

    private readonly BuiltInDetector[] _builtIn;
    private readonly RedactionDetector[] _custom;
    private readonly int _maxValueLength;
    private readonly CleanValueCache? _clean;

    // Whether the pre-scan must report a colon after a digit: only when a configured key ends in a digit.
    private readonly bool _everyColon;

    public DetectorPipeline(RedactionOptions options, SensitiveKeyClassifier classifier, bool rememberCleanValues = true)
    {
        var disabled = new HashSet<string>(options.DisabledDetectors, StringComparer.OrdinalIgnoreCase);

        // Order matters: structural detectors first, so later ones see "[REDACTED…]" instead of the parts they
        // would otherwise half-match (an e-mail inside URL user-info, a password that looks like a phone number).
        BuiltInDetector[] all =
        [
            new PrivateKeyDetector(),
            new UrlUserInfoDetector(),
            new UrlQueryDetector(classifier, options.SensitiveQueryParameters),
            new CookieDetector(),
            new KeyValueDetector(classifier),
            new JwtDetector(),
            new AuthHeaderDetector(),
            new AwsAccessKeyDetector(),
            new ApiKeyDetector(),
            new EmailDetector(),
            new IbanDetector(),
            new PaymentCardDetector(),
            new SsnDetector(),
            new PhoneDetector(),
            new NationalPhoneDetector(),
        ];
        var builtIn = new List<BuiltInDetector>(all.Length);
        foreach (var detector in all)
        {
            if (!disabled.Contains(detector.Name))
            {
                builtIn.Add(detector);
                CardDetector ??= detector as PaymentCardDetector;
            }
        }

        var custom = new List<RedactionDetector>();
        foreach (var (name, pattern) in options.CustomPatterns)
        {
            custom.Add(new RegexDetector(name, pattern));
        }

        custom.AddRange(options.Detectors);
        _builtIn = [.. builtIn];
        _custom = [.. custom];
        _maxValueLength = options.MaxValueLength;
        _everyColon = !classifier.OnlyBase64KeysEndInDigit;
        _clean = rememberCleanValues && options.Detectors.Count == 0 ? new CleanValueCache() : null;
    }

    /// <summary>Gets the names of the built-in detectors, for <see cref="RedactionOptions.DisabledDetectors"/>.</summary>
    public static IReadOnlyList<string> DetectorNames => BuiltInDetectorNames;

    /// <summary>Gets the card detector, or <see langword="null"/> when it is disabled (numbers are checked with it).</summary>
    public PaymentCardDetector? CardDetector { get; }

    /// <summary>Gets a value indicating whether clean values are remembered: every detector is pure, so the same text always gets the same answer.</summary>
    public bool RemembersCleanValues => _clean is not null;

    /// <summary>Returns whether <paramref name="text"/> was found clean before and is still remembered (one comparison).</summary>
    public bool IsKnownClean(string text) => _clean is not null && text.Length > 0 && _clean.Contains(text);

    /// <summary>
    /// Returns whether anything in <paramref name="text"/> is redacted, and the redacted text; without allocating
    /// when nothing is.
    /// </summary>
    /// <remarks>Never throws: a failing detector makes the whole value <see cref="Redactor.ErrorReplacement"/>.</remarks>
    public bool TryRedact(string text, out string redacted)
    {
        redacted = text;
        if (string.IsNullOrEmpty(text) || (_clean is not null && _clean.Contains(text)))
        {
            return false;
        }

        if (text.Length > _maxValueLength)
        {
            redacted = Truncate(text, _maxValueLength);
        }

        var anchors = AnchorScan.Scan(redacted, AnchorScan.MaskedTail, _everyColon);
        if (anchors != DetectorAnchors.None)
        {
            foreach (var detector in _builtIn)
            {
                if ((detector.Anchors & anchors) != 0 && !Apply(detector, anchors, ref redacted))
                {
                    return true;
                }
            }
        }

        foreach (var detector in _custom)
        {
            if (!Apply(detector, anchors, ref redacted))
            {
                return true;
            }
        }

        if (ReferenceEquals(redacted, text))
        {
            _clean?.Add(text);
            return false;
        }

        return true;
    }

    /// <summary>Cuts <paramref name="text"/> to <paramref name="maxLength"/> characters and appends the marker.</summary>
    internal static string Truncate(string text, int maxLength)
    {
        var keep = char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength;
        var removed = (text.Length - keep).ToString(CultureInfo.InvariantCulture);
        return string.Concat(
            text.AsSpan(0, keep), RedactionConstants.TruncationMarkerStart, removed, RedactionConstants.TruncationMarkerEnd);
    }

    // False when the detector failed and text became the error replacement.
    private static bool Apply(RedactionDetector detector, DetectorAnchors anchors, ref string text)
    {
        try
        {
            text = detector is BuiltInDetector builtIn ? ApplyBuiltIn(builtIn, anchors, text) : ApplyCustom(detector, text);
            return true;
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.RedactionFailed(detector.Name, ex);
            text = Redactor.ErrorReplacement;
            return false;
        }
    }

    // The pre-scan stands in for CanMatch: the anchor search itself ends at once when there is nothing to find.
    private static string ApplyBuiltIn(BuiltInDetector detector, DetectorAnchors anchors, string text)
    {
        ReadOnlySpan<char> span = text;
        var cursor = new ScanCursor { Seen = anchors };
        if (!detector.TryFindNext(span, ref cursor, out var match))
        {
            return text;
        }

        // The redacted text is put together in a stack buffer (a pooled array when longer): only the text itself is
        // allocated, not a builder too.
        var builder = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[BuilderStackChars]);
        var position = 0;
        do
        {
            builder.AppendFormatted(span[position..match.Index]);
            builder.AppendFormatted(match.Replacement);
            position = match.End;
        }
        while (detector.TryFindNext(span, ref cursor, out match));

        builder.AppendFormatted(span[position..]);
        return builder.ToStringAndClear();
    }

    private static string ApplyCustom(RedactionDetector detector, string text)
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

        return builder is null ? text : builder.Append(span[position..]).ToString();
    }
}
