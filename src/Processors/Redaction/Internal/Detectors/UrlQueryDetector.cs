using System.Buffers;
using System.Collections.Frozen;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Values of sensitive URL query and fragment parameters (<c>?token=abc</c> → <c>?token=[REDACTED]</c>). A
/// parameter is sensitive when its name is in the built-in or configured list, or names a secret by the key rule.
/// A text without whitespace (a bare <c>url.query</c> value) may start with a parameter.
/// </summary>
internal sealed class UrlQueryDetector : BuiltInDetector
{
    internal const string QueryReplacement = "[REDACTED]";

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
        : base("url_query")
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

    internal override bool TryFindReplacement(
        ReadOnlySpan<char> text, int startAt, out int index, out int length, out string replacement)
    {
        var position = startAt;
        var bareQueryKnown = false;
        var bareQuery = false;
        while (position < text.Length)
        {
            var found = text[position..].IndexOf('=');
            if (found < 0)
            {
                break;
            }

            var equals = position + found;
            position = equals + 1;
            var nameStart = equals;
            while (nameStart > 0 && IsNameChar(text[nameStart - 1]))
            {
                nameStart--;
            }

            if (nameStart == equals)
            {
                continue;
            }

            bool isParameter;
            if (nameStart == 0)
            {
                if (!bareQueryKnown)
                {
                    bareQuery = text.IndexOfAny(Whitespace) < 0;
                    bareQueryKnown = true;
                }

                isParameter = bareQuery;
            }
            else
            {
                isParameter = text[nameStart - 1] is '?' or '&' or '#';
            }

            var name = text[nameStart..equals];
            if (!isParameter || !(_names.Contains(name) || _classifier.Classify(name) is not null))
            {
                continue;
            }

            var valueStart = equals + 1;
            var valueLength = text[valueStart..].IndexOfAny(ValueEnd);
            if (valueLength < 0)
            {
                valueLength = text.Length - valueStart;
            }

            if (valueLength == 0 || IsAlreadyRedacted(text.Slice(valueStart, valueLength)))
            {
                continue;
            }

            index = valueStart;
            length = valueLength;
            replacement = QueryReplacement;
            return true;
        }

        return NotFound(out index, out length, out replacement);
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '%' or '[' or ']';
}
