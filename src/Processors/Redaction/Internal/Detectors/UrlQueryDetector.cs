using System.Buffers;
using System.Collections.Frozen;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Values of sensitive URL query and fragment parameters (<c>?token=abc</c> → <c>?token=[REDACTED]</c>). A
/// parameter is sensitive when its name is in the built-in or configured list, or names a secret by the key rule.
/// A text without whitespace (a bare <c>url.query</c> value) may start with a parameter. The generic names
/// <c>code</c> and <c>key</c> keep values no secret looks like: lower-case words joined by dashes or underscores
/// (<c>key=cart-items</c>) and promo codes of upper-case letters and at most four digits (<c>code=SUMMER24</c>).
/// </summary>
internal sealed class UrlQueryDetector : BuiltInDetector
{
    internal const string QueryReplacement = "[REDACTED]";

    private const int MaxPlainValueChars = 64;
    private const int MaxPromoCodeChars = 12;

    internal static readonly string[] BuiltInParameters =
    [
        "token", "access_token", "id_token", "refresh_token", "code", "api_key", "apikey", "api-key", "key", "sig",
        "signature", "password", "passwd", "pwd", "secret", "client_secret", "session", "sessionid", "session_id",
        "sid", "auth", "authorization", "jwt", "assertion", "client_assertion", "otp", "ticket",
        "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token", "X-Goog-Signature", "X-Goog-Credential",
    ];

    private static readonly SearchValues<char> ValueEnd = SearchValues.Create("&# \t\r\n\"'<>`");
    private static readonly SearchValues<char> Whitespace = SearchValues.Create(" \t\r\n");

    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _names;
    private readonly SensitiveKeyClassifier _classifier;

    public UrlQueryDetector(SensitiveKeyClassifier classifier, IEnumerable<string>? extraParameters)
        : base("url_query", DetectorAnchors.EqualsSign)
    {
        var names = new HashSet<string>(BuiltInParameters, StringComparer.OrdinalIgnoreCase);
        if (extraParameters is not null)
        {
            foreach (var name in extraParameters)
            {
                if (!string.IsNullOrWhiteSpace(name))
                {
                    names.Add(name.Trim());
                }
            }
        }

        _names = names.ToFrozenSet(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
        _classifier = classifier;
    }

    public override bool CanMatch(ReadOnlySpan<char> text) => text.IndexOf('=') >= 0;

    protected override int FindAnchor(ReadOnlySpan<char> text) => text.IndexOf('=');

    protected override bool TryMatchAt(ReadOnlySpan<char> text, int equals, ref ScanCursor cursor, out DetectorMatch match)
    {
        // The name is read back to the previous '=' at most (a name has no '=').
        var nameStart = equals;
        while (nameStart > 0 && IsNameChar(text[nameStart - 1]))
        {
            nameStart--;
        }

        if (nameStart == equals)
        {
            return Miss(out match);
        }

        // Only one '=' can have its name start the text, so the whitespace search runs at most once per scan.
        var isParameter = nameStart == 0 ? text.IndexOfAny(Whitespace) < 0 : text[nameStart - 1] is '?' or '&' or '#';
        var name = text[nameStart..equals];
        if (!isParameter || !(_names.Contains(name) || _classifier.Classify(name) is not null))
        {
            return Miss(out match);
        }

        // Rejected values are recognised from their first characters; only an accepted one (consumed by the match)
        // is read to its end.
        var valueStart = equals + 1;
        if (valueStart == text.Length || ValueEnd.Contains(text[valueStart]) || IsAlreadyRedacted(text[valueStart..])
            || (IsGenericName(name) && IsPlainValue(text[valueStart..])))
        {
            return Miss(out match);
        }

        var valueLength = text[valueStart..].IndexOfAny(ValueEnd);
        return Hit(valueStart, valueLength < 0 ? text.Length - valueStart : valueLength, QueryReplacement, out match);
    }

    // "code" and "key" also name promo codes, cache keys and the like, unlike "token" or "api_key".
    private static bool IsGenericName(ReadOnlySpan<char> name) =>
        name.Equals("code", StringComparison.OrdinalIgnoreCase) || name.Equals("key", StringComparison.OrdinalIgnoreCase);

    // A value no secret looks like: lower-case words joined by dashes or underscores ("cart-items"), or a promo code
    // of upper-case letters and at most four digits ("SUMMER24"). At most MaxPlainValueChars + 1 characters are
    // read, so a rejected '=' costs a bounded read.
    private static bool IsPlainValue(ReadOnlySpan<char> value)
    {
        var length = 0;
        while (length < value.Length && !ValueEnd.Contains(value[length]))
        {
            if (++length > MaxPlainValueChars)
            {
                return false;
            }
        }

        value = value[..length];
        return IsLowerCaseWords(value) || IsPromoCode(value);
    }

    private static bool IsLowerCaseWords(ReadOnlySpan<char> value)
    {
        var word = 0;
        var words = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiLetterLower(c))
            {
                word++;
            }
            else if (c is '-' or '_' && word >= 2)
            {
                words++;
                word = 0;
            }
            else
            {
                return false;
            }
        }

        return words >= 1 && word >= 2;
    }

    private static bool IsPromoCode(ReadOnlySpan<char> value)
    {
        var letters = 0;
        while (letters < value.Length && char.IsAsciiLetterUpper(value[letters]))
        {
            letters++;
        }

        var digits = value.Length - letters;
        return letters >= 3 && value.Length <= MaxPromoCodeChars && digits <= 4 && value[letters..].IndexOfAnyExceptInRange('0', '9') < 0;
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '%' or '[' or ']';
}
