using System.Collections.Frozen;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// A set of attribute keys matched case-insensitively, where an entry ending in <c>*</c> is a prefix. Thread-safe
/// and allocation-free.
/// </summary>
internal sealed class KeyPatternSet
{
    private readonly FrozenSet<string> _exact;
    private readonly string[] _prefixes;

    public KeyPatternSet(IEnumerable<string>? entries)
    {
        var exact = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var prefixes = new List<string>();
        if (entries is not null)
        {
            foreach (var entry in entries)
            {
                if (string.IsNullOrWhiteSpace(entry))
                {
                    continue;
                }

                var trimmed = entry.Trim();
                if (trimmed.EndsWith('*'))
                {
                    prefixes.Add(trimmed[..^1]);
                }
                else
                {
                    exact.Add(trimmed);
                }
            }
        }

        _exact = exact.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _prefixes = [.. prefixes];
    }

    public bool IsEmpty => _exact.Count == 0 && _prefixes.Length == 0;

    public bool ContainsExact(string key) => _exact.Contains(key);

    public bool MatchesPrefix(string key) => MatchesPrefix(key, 0);

    /// <summary>Returns whether a prefix entry at least <paramref name="minPrefixLength"/> characters long covers <paramref name="key"/>.</summary>
    public bool MatchesPrefix(string key, int minPrefixLength)
    {
        foreach (var prefix in _prefixes)
        {
            if (prefix.Length >= minPrefixLength && key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public bool Matches(string key) => ContainsExact(key) || MatchesPrefix(key);
}
