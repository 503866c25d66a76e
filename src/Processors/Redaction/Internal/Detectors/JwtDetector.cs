using System.Text.RegularExpressions;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>JSON Web Tokens (and JWE): base64url segments separated by dots, the first starting with <c>eyJ</c>
/// (the encoding of <c>{"</c>).</summary>
internal sealed partial class JwtDetector : BuiltInDetector
{
    public JwtDetector()
        : base("jwt")
    {
    }

    public override bool CanMatch(ReadOnlySpan<char> text) => text.IndexOf("eyJ", StringComparison.Ordinal) >= 0;

    internal override bool TryFindReplacement(
        ReadOnlySpan<char> text, int startAt, out int index, out int length, out string replacement)
    {
        foreach (var match in JwtPattern().EnumerateMatches(text, startAt))
        {
            index = match.Index;
            length = match.Length;
            replacement = Replacement;
            return true;
        }

        return NotFound(out index, out length, out replacement);
    }

    [GeneratedRegex(@"(?<![A-Za-z0-9_\-])eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{2,}\.[A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]+){0,2}", RegexOptions.CultureInvariant)]
    private static partial Regex JwtPattern();
}
