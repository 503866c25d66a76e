using System.Buffers;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Credentials after the <c>Bearer</c> and <c>Basic</c> schemes in free text. The scheme is kept
/// (<c>Bearer [REDACTED:bearer]</c>). To avoid prose false positives a bearer token must be at least 16 characters,
/// or 8 with a digit; a basic credential must decode from base64 to <c>user:password</c>.
/// </summary>
internal sealed class AuthHeaderDetector : BuiltInDetector
{
    private const string BearerReplacement = "[REDACTED:bearer]";
    private const string BasicReplacement = "[REDACTED:basic]";
    internal static readonly string[] SchemeNames = ["bearer", "basic"];

    private static readonly SearchValues<string> Schemes = SearchValues.Create(SchemeNames, StringComparison.OrdinalIgnoreCase);

    public AuthHeaderDetector()
        : base("auth_header", DetectorAnchors.AuthScheme)
    {
    }

    public override bool CanMatch(ReadOnlySpan<char> text) => text.IndexOfAny(Schemes) >= 0;

    protected override int FindAnchor(ReadOnlySpan<char> text) => text.IndexOfAny(Schemes);

    protected override bool TryMatchAt(ReadOnlySpan<char> text, int start, ref ScanCursor cursor, out DetectorMatch match)
    {
        var bearer = text[start + 1] is 'e' or 'E';
        var schemeEnd = start + (bearer ? 6 : 5);
        if ((start > 0 && IsWordChar(text[start - 1])) || schemeEnd >= text.Length || text[schemeEnd] is not (' ' or '\t'))
        {
            return Miss(out match);
        }

        var tokenStart = schemeEnd;
        while (tokenStart < text.Length && text[tokenStart] is ' ' or '\t')
        {
            tokenStart++;
        }

        // A scheme found inside this token is glued to a word character and rejected at once.
        var tokenEnd = tokenStart;
        var hasDigit = false;
        while (tokenEnd < text.Length && IsToken68(text[tokenEnd]))
        {
            hasDigit |= char.IsAsciiDigit(text[tokenEnd]);
            tokenEnd++;
        }

        while (tokenEnd < text.Length && text[tokenEnd] == '=')
        {
            tokenEnd++;
        }

        var token = text[tokenStart..tokenEnd];
        if (token.IsEmpty || (tokenEnd < text.Length && IsWordChar(text[tokenEnd])) || IsAlreadyRedacted(text[tokenStart..]))
        {
            return Miss(out match);
        }

        var valid = bearer
            ? token.Length >= 16 || (token.Length >= 8 && hasDigit)
            : IsBasicCredential(token);
        return valid ? Hit(tokenStart, token.Length, bearer ? BearerReplacement : BasicReplacement, out match) : Miss(out match);
    }

    private static bool IsToken68(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '+' or '/';

    private static bool IsBasicCredential(ReadOnlySpan<char> token)
    {
        if (token.Length < 4)
        {
            return false;
        }

        if (token.Length > 1024)
        {
            return true;
        }

        Span<char> padded = stackalloc char[1028];
        token.CopyTo(padded);
        var length = token.Length;
        while (length % 4 != 0)
        {
            padded[length++] = '=';
        }

        Span<byte> decoded = stackalloc byte[772];
        return Convert.TryFromBase64Chars(padded[..length], decoded, out var written)
            && decoded[..written].IndexOf((byte)':') > 0;
    }
}
