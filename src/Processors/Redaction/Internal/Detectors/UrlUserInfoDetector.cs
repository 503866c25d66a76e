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
    // A longer "password" before an '@' is prose that happens to follow a URL, not credentials.
    private const int MaximumPasswordLength = 512;

    private static readonly SearchValues<char> UserEnd = SearchValues.Create("/?#@: \t\r\n\"'<>`\\");
    private static readonly SearchValues<char> PasswordEnd = SearchValues.Create("@ \t\r\n\"'<>`");

    public UrlUserInfoDetector()
        : base("url_userinfo", DetectorAnchors.At)
    {
    }

    public override bool CanMatch(ReadOnlySpan<char> text) =>
        text.IndexOf("://", StringComparison.Ordinal) >= 0 && text.IndexOf('@') >= 0;

    protected override int FindAnchor(ReadOnlySpan<char> text) => text.IndexOf("://", StringComparison.Ordinal);

    protected override bool TryMatchAt(ReadOnlySpan<char> text, int anchor, ref ScanCursor cursor, out DetectorMatch match)
    {
        // The user name has no ':', so it ends before the next "://": each is read once.
        var userStart = anchor + 3;
        cursor.Position = userStart;
        var userLength = text[userStart..].IndexOfAny(UserEnd);
        if (userLength < 0)
        {
            cursor.Position = text.Length;
            return Miss(out match);
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
            // The end of a password is remembered across anchors: "http://u:" repeated then '@' searches the text
            // once, not once per URL.
            var passwordStart = userEnd + 1;
            var passwordEnd = cursor.NextStop(text, passwordStart, PasswordEnd, out _);
            var passwordLength = passwordEnd - passwordStart;
            if (passwordEnd >= 0 && passwordLength <= MaximumPasswordLength && text[passwordEnd] == '@'
                && !LooksLikePortAndPath(text.Slice(passwordStart, passwordLength)))
            {
                end = passwordEnd;
                hasPassword = true;
            }
        }

        if (end <= userStart || IsAlreadyRedacted(text[userStart..end]))
        {
            return Miss(out match);
        }

        return Hit(userStart, end - userStart, hasPassword ? "REDACTED:REDACTED" : "REDACTED", out match);
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
