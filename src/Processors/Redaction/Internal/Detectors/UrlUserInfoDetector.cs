using System.Buffers;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// The user-info part of URLs (<c>scheme://user:password@host</c>), replaced with <c>REDACTED:REDACTED</c> (or
/// <c>REDACTED</c> when there is no password) as the OpenTelemetry semantic conventions for <c>url.full</c> ask.
/// A password with unescaped <c>/</c>, <c>?</c> or <c>#</c> is still found; <c>host:port/…@…</c> is not mistaken
/// for credentials.
/// </summary>
internal sealed class UrlUserInfoDetector : BuiltInDetector
{
    // Bounds the scan for an '@' after "scheme://user:", which would otherwise make many URLs quadratic.
    private const int MaximumPasswordLength = 512;

    private static readonly SearchValues<char> UserEnd = SearchValues.Create("/?#@: \t\r\n\"'<>`\\");
    private static readonly SearchValues<char> PasswordEnd = SearchValues.Create("@ \t\r\n\"'<>`");

    public UrlUserInfoDetector()
        : base("url_userinfo")
    {
    }

    public override bool CanMatch(ReadOnlySpan<char> text) =>
        text.IndexOf("://", StringComparison.Ordinal) >= 0 && text.IndexOf('@') >= 0;

    internal override bool TryFindReplacement(
        ReadOnlySpan<char> text, int startAt, out int index, out int length, out string replacement)
    {
        var position = startAt;
        while (position < text.Length)
        {
            var found = text[position..].IndexOf("://", StringComparison.Ordinal);
            if (found < 0)
            {
                break;
            }

            var userStart = position + found + 3;
            position = userStart;
            var userLength = text[userStart..].IndexOfAny(UserEnd);
            if (userLength < 0)
            {
                break;
            }

            var userEnd = userStart + userLength;
            var end = -1;
            var hasPassword = false;
            if (text[userEnd] == '@')
            {
                end = userEnd;
            }
            else if (text[userEnd] == ':')
            {
                var passwordStart = userEnd + 1;
                var passwordLength = text[passwordStart..].IndexOfAny(PasswordEnd);
                if (passwordLength is >= 0 and <= MaximumPasswordLength && text[passwordStart + passwordLength] == '@'
                    && !LooksLikePortAndPath(text.Slice(passwordStart, passwordLength)))
                {
                    end = passwordStart + passwordLength;
                    hasPassword = true;
                }
            }

            if (end <= userStart || IsAlreadyRedacted(text[userStart..end]))
            {
                continue;
            }

            index = userStart;
            length = end - userStart;
            replacement = hasPassword ? "REDACTED:REDACTED" : "REDACTED";
            return true;
        }

        return NotFound(out index, out length, out replacement);
    }

    // host:8080/path?q=a@b is a port and a path, not a password.
    private static bool LooksLikePortAndPath(ReadOnlySpan<char> candidate)
    {
        var digits = 0;
        while (digits < candidate.Length && char.IsAsciiDigit(candidate[digits]))
        {
            digits++;
        }

        return digits > 0 && (digits == candidate.Length || candidate[digits] is '/' or '?' or '#');
    }
}
