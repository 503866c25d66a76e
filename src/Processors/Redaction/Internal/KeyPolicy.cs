using System.Collections.Concurrent;
using ErrorTelemetry.Failures.Internal;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>What happens to the value of an attribute key.</summary>
internal enum KeyAction
{
    /// <summary>The value is scanned by the detectors.</summary>
    Scan,

    /// <summary>The attribute is dropped (fail-closed mode).</summary>
    Drop,

    /// <summary>The whole value is replaced: the key names a secret.</summary>
    Replace,

    /// <summary>The value leaves unscanned.</summary>
    Preserve,

    /// <summary>The value is replaced with a pseudonym.</summary>
    Pseudonymize,

    /// <summary>The value is a client IP address: its host part is removed; a value that is no address is scanned.</summary>
    TruncateAddress,
}

/// <summary>
/// Decides, per attribute key, whether its value is preserved, dropped, replaced, pseudonymized or scanned. Keys are
/// judged once and remembered (up to a bound, for keys built from data); the keys seen last sit in a small table
/// that answers with one comparison, before the dictionary is asked. Thread-safe.
/// </summary>
internal sealed class KeyPolicy
{
    private const int MaxCachedKeys = 4096;
    private const int RecentMask = 255;

    private readonly SensitiveKeyClassifier _classifier;
    private readonly KeyPatternSet _preserved;
    private readonly KeyPatternSet _pseudonymized;
    private readonly SensitiveKeyClassifier _pseudonymizedTerms;
    private readonly KeyPatternSet _allowed;
    private readonly KeyPatternSet _clientAddresses;
    private readonly SensitiveKeyClassifier _clientAddressTerms;
    private readonly KeyRule? _clientAddressRule;
    private readonly bool _failClosed;
    private readonly ConcurrentDictionary<string, KnownKey> _rules = new(StringComparer.Ordinal);
    private readonly KnownKey?[] _recent = new KnownKey?[RecentMask + 1];
    private int _cachedRules;

    public KeyPolicy(RedactionOptions options, SensitiveKeyClassifier classifier)
    {
        _classifier = classifier;
        _preserved = new KeyPatternSet(options.PreservedKeys);
        _pseudonymized = new KeyPatternSet(options.PseudonymizedKeys);
        _pseudonymizedTerms = new SensitiveKeyClassifier(options.PseudonymizedKeys, builtInTerms: false);
        _allowed = new KeyPatternSet(options.AllowedKeys);
        _clientAddressRule = options.ClientAddressHandling switch
        {
            ClientAddressHandling.Truncate => KeyRule.TruncateAddress,
            ClientAddressHandling.Pseudonymize => KeyRule.Pseudonymize,
            _ => null,
        };
        _clientAddresses = new KeyPatternSet(_clientAddressRule is null ? null : options.ClientAddressKeys);
        _clientAddressTerms = new SensitiveKeyClassifier(_clientAddressRule is null ? null : options.ClientAddressKeys, builtInTerms: false);
        _failClosed = options.FailClosed;
    }

    /// <summary>Gets a value indicating whether any key is pseudonymized.</summary>
    public bool HasPseudonymizedKeys => !_pseudonymized.IsEmpty;

    /// <summary>Returns the rule for <paramref name="key"/>.</summary>
    public KeyRule GetRule(string key) => GetKnown(key).Rule;

    /// <summary>Returns <paramref name="key"/> as remembered among the keys seen last, or <see langword="null"/>. Never throws.</summary>
    public KnownKey? GetRecent(string key)
    {
        // Attribute keys are mostly literals, so the same instance comes back: a reference comparison answers.
        var recent = Volatile.Read(ref _recent[RecentStrings.QuickSlot(key, RecentMask)]);
        return recent is not null && ReferenceEquals(recent.Key, key) ? recent : null;
    }

    /// <summary>Returns <paramref name="key"/> as remembered: its rule, and the last clean value seen under it.</summary>
    public KnownKey GetKnown(string key)
    {
        ref var slot = ref _recent[RecentStrings.QuickSlot(key, RecentMask)];
        var recent = Volatile.Read(ref slot);
        if (recent is not null && (ReferenceEquals(recent.Key, key) || string.Equals(recent.Key, key, StringComparison.Ordinal)))
        {
            return recent;
        }

        if (!_rules.TryGetValue(key, out var known))
        {
            known = new KnownKey(key, ComputeRule(key));

            // Keys are normally a small fixed set; the bound protects against keys built from data.
            if (Volatile.Read(ref _cachedRules) < MaxCachedKeys && _rules.TryAdd(key, known))
            {
                Interlocked.Increment(ref _cachedRules);
            }
        }

        Volatile.Write(ref slot, known);
        return known;
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

    private KeyRule ComputeRule(string key)
    {
        var exactPreserved = _preserved.ContainsExact(key);
        var preserved = exactPreserved || _preserved.MatchesPrefix(key, ApplicationDataPrefixLength(key));
        if (_failClosed && !preserved && !_allowed.Matches(key) && key != Redactor.OriginalFormatKey)
        {
            return KeyRule.Drop;
        }

        // Only an exact preserved entry may keep a key that names a secret; a prefix such as "error.*" may not.
        if (!exactPreserved && key != Redactor.OriginalFormatKey && _classifier.Classify(key) is { } kind)
        {
            return new KeyRule(KeyAction.Replace, kind.Replacement);
        }

        if (preserved)
        {
            return KeyRule.Preserve;
        }

        // Client address keys match as pseudonymized ones do: client.ip also covers ClientIp and x_client_ip.
        if (_clientAddressRule is not null
            && (_clientAddresses.Matches(key) || (!_clientAddressTerms.IsEmpty && _clientAddressTerms.Classify(key) is not null)))
        {
            return _clientAddressRule;
        }

        // Pseudonymized keys match as sensitive ones do: user.id also covers UserId, user_id and app.userId.
        return _pseudonymized.Matches(key) || (!_pseudonymizedTerms.IsEmpty && _pseudonymizedTerms.Classify(key) is not null)
            ? KeyRule.Pseudonymize
            : KeyRule.Scan;
    }
}

/// <summary>A key and its rule, as remembered, with the last value under it that redaction left unchanged.</summary>
internal sealed class KnownKey(string key, KeyRule rule)
{
    private string? _lastClean;

    public string Key { get; } = key;

    public KeyRule Rule { get; } = rule;

    /// <summary>
    /// Gets the rule's action, kept here too: the check on every attribute reads it from the entry it already holds
    /// instead of loading the rule as well (a dependent load that misses the cache on a busy thread).
    /// </summary>
    public KeyAction Action { get; } = rule.Action;

    /// <summary>
    /// Gets or sets the last text value of this key found clean by a redactor that remembers clean values; the same
    /// instance again (a literal, a cached header value) is clean again, known with one comparison. One string per
    /// remembered key, written whole, so readers on other threads see either value.
    /// </summary>
    public string? LastClean
    {
        get => Volatile.Read(ref _lastClean);
        set => Volatile.Write(ref _lastClean, value);
    }

    /// <summary>
    /// Returns whether <paramref name="value"/> under this key is exported as it is, known from what is remembered
    /// alone: the key is preserved, or the value is the very text last found clean under it. Never throws.
    /// </summary>
    public bool KeepsRemembered(object? value)
    {
        // The very instance last found clean is that string: comparing references needs no type check of the value.
        var action = Action;
        return action == KeyAction.Preserve || (action == KeyAction.Scan && LastClean is { } clean && ReferenceEquals(clean, value));
    }
}

/// <summary>A key's action, and the replacement when the action is <see cref="KeyAction.Replace"/>.</summary>
internal sealed class KeyRule(KeyAction action, string? replacement = null)
{
    public static readonly KeyRule Scan = new(KeyAction.Scan);
    public static readonly KeyRule Drop = new(KeyAction.Drop);
    public static readonly KeyRule Preserve = new(KeyAction.Preserve);
    public static readonly KeyRule Pseudonymize = new(KeyAction.Pseudonymize);
    public static readonly KeyRule TruncateAddress = new(KeyAction.TruncateAddress);

    public KeyAction Action { get; } = action;

    public string? Replacement { get; } = replacement;
}
