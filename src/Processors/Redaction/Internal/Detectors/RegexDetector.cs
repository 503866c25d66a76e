using System.Text.RegularExpressions;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>A detector from <see cref="RedactionOptions.CustomPatterns"/>. Empty matches are ignored; a pattern
/// that runs longer than the timeout makes the engine fail closed for that value.</summary>
internal sealed class RegexDetector : RedactionDetector
{
    internal static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(250);

    private readonly Regex _regex;

    public RegexDetector(string name, string pattern)
        : base(name)
    {
        _regex = Create(pattern);
    }

    internal static Regex Create(string pattern) =>
        new(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled, MatchTimeout);

    public override bool CanMatch(ReadOnlySpan<char> text) => true;

    public override bool TryFind(ReadOnlySpan<char> text, int startAt, out int index, out int length)
    {
        foreach (var match in _regex.EnumerateMatches(text, startAt))
        {
            if (match.Length > 0)
            {
                index = match.Index;
                length = match.Length;
                return true;
            }
        }

        index = 0;
        length = 0;
        return false;
    }
}
