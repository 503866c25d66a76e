using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Decides whether an attribute key (or the key of a <c>key=value</c> pair in free text) names a secret.
/// </summary>
/// <remarks>
/// The rule: take the last two dot-separated segments of the key (<c>http.request.header.authorization</c> →
/// <c>header.authorization</c>; <c>session.id</c> → <c>session.id</c>), split them into words at non-alphanumeric
/// characters and camelCase boundaries, and join the words lower-cased (<c>X-Api-Key</c> → <c>xapikey</c>). The key
/// is sensitive when that text ends with a sensitive term (<c>apikey</c>, <c>password</c>, <c>token</c>,
/// <c>connectionstring</c>, …), optionally followed by one value-suffix word (<c>password_hash</c>,
/// <c>token.value</c>, <c>passwordConfirmation</c>). A custom header named
/// <c>X-…-Key</c> is an API key. Short or ambiguous terms (<c>pwd</c>, <c>session</c>, <c>ssn</c>, <c>pin</c>, <c>cvv</c>)
/// must start a word, so <c>possession</c> is not a session. Keys naming personal data that has no reliable value
/// pattern (phone numbers in national format, birth dates, passport numbers) are sensitive too. Because the term must be at the end,
/// <c>token_count</c>, <c>password_length</c> and <c>gen_ai.usage.input_tokens</c> are not sensitive. Thread-safe
/// and allocation-free.
/// </remarks>
internal sealed class SensitiveKeyClassifier
{
    private const int MaxKeyChars = 128;
    private const int MaxCachedKeys = 4096;
    private const int MaxCachedKeyLength = 64;

    internal static readonly (string Term, string Kind, bool WordAligned)[] BuiltInTerms =
    [
        ("proxyauthorization", "authorization", false),
        ("authorization", "authorization", false),
        ("setcookie", "cookie", false),
        ("cookies", "cookie", false),
        ("cookie", "cookie", false),
        ("connectionstring", "connection_string", false),
        ("connstring", "connection_string", false),
        ("connstr", "connection_string", true),
        ("privatekey", "private_key", false),
        ("clientsecret", "secret", false),
        ("secretaccesskey", "secret", false),
        ("secretkey", "secret", false),
        ("signingkey", "secret", false),
        ("encryptionkey", "secret", false),
        ("secret", "secret", false),
        ("password", "password", false),
        ("passwd", "password", false),
        ("passphrase", "password", false),
        ("pwd", "password", true),
        ("pass", "password", true),
        ("pin", "password", true),
        ("apikey", "api_key", false),
        ("accesskey", "api_key", false),
        ("accountkey", "api_key", false),
        ("sharedkey", "api_key", false),
        ("masterkey", "api_key", false),
        ("authkey", "api_key", false),
        ("subscriptionkey", "api_key", false),
        ("functionskey", "api_key", false),
        ("functionkey", "api_key", false),
        ("clientkey", "api_key", false),
        ("hostkey", "api_key", false),
        ("token", "token", false),
        ("jwt", "token", true),
        ("sessionid", "session", false),
        ("sessid", "session", false),
        ("sid", "session", true),
        ("sessionkey", "session", true),
        ("session", "session", true),
        ("credentials", "credential", false),
        ("credential", "credential", false),
        ("signature", "signature", false),
        ("ssn", "ssn", true),
        ("cvv", "card", true),
        ("cvc", "card", true),
        ("cardnumber", "card", true),
        ("phonenumber", "phone", true),
        ("telephone", "phone", true),
        ("phone", "phone", true),
        ("mobilenumber", "phone", true),
        ("mobile", "phone", true),
        ("msisdn", "phone", true),
        ("dateofbirth", "birthdate", true),
        ("birthdate", "birthdate", true),
        ("dob", "birthdate", true),
        ("passportnumber", "passport", true),
        ("passport", "passport", true),
    ];

    private static readonly FrozenSet<string> ValueSuffixes = FrozenSet.Create(
        StringComparer.Ordinal,
        "value", "hash", "hashed", "header", "raw", "plain", "plaintext", "base64", "b64", "encoded", "string", "text", "data", "bytes",
        "confirmation", "confirm", "confirmed", "repeat", "repeated", "again", "retype", "verify", "verification", "new", "old", "current");

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> ValueSuffixLookup =
        ValueSuffixes.GetAlternateLookup<ReadOnlySpan<char>>();

    // Checked rather than assumed, so that a term or suffix added later cannot silently break the pre-scan's colon rule.
    private static readonly bool BuiltInDigitEndingsAre64 =
        BuiltInTerms.All(static t => !char.IsAsciiDigit(t.Term[^1]))
        && ValueSuffixes.All(static s => !char.IsAsciiDigit(s[^1]) || s.EndsWith("64", StringComparison.Ordinal));

    private static readonly Term[] NoTerms = [];
    private static readonly SensitiveKeyKind NotSensitive = new("none");

    // Terms grouped by their last character: a key is compared only with terms that can end it.
    private readonly Term[][] _termsByLastChar;
    private readonly SensitiveKeyKind? _customHeaderKey;
    private readonly FrozenDictionary<string, SensitiveKeyKind> _exact;
    private readonly FrozenDictionary<string, SensitiveKeyKind>.AlternateLookup<ReadOnlySpan<char>> _exactLookup;

    // Keys in free text repeat ("trace=", "count:"), so their verdicts are cached; the bound keeps keys made from
    // data from growing it.
    private readonly ConcurrentDictionary<string, SensitiveKeyKind> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SensitiveKeyKind>.AlternateLookup<ReadOnlySpan<char>> _cacheLookup;
    private int _cached;

    public SensitiveKeyClassifier(IEnumerable<string>? extraKeys)
        : this(extraKeys, builtInTerms: true)
    {
    }

    /// <summary>
    /// Initializes a classifier for <paramref name="extraKeys"/> alone (prefix entries ending in <c>*</c> are skipped),
    /// or with the built-in secret terms too: the pseudonymized keys are matched by the same rule as the sensitive ones.
    /// </summary>
    public SensitiveKeyClassifier(IEnumerable<string>? extraKeys, bool builtInTerms)
    {
        var kinds = new Dictionary<string, SensitiveKeyKind>(StringComparer.Ordinal);
        var terms = new List<Term>();
        var exact = new Dictionary<string, SensitiveKeyKind>(StringComparer.OrdinalIgnoreCase);
        var configuredKeyEndsInDigit = false;

        if (extraKeys is not null)
        {
            Span<char> compact = stackalloc char[MaxKeyChars];
            Span<bool> wordStart = stackalloc bool[MaxKeyChars];
            foreach (var extra in extraKeys)
            {
                if (string.IsNullOrWhiteSpace(extra) || (!builtInTerms && extra.TrimEnd().EndsWith('*')))
                {
                    continue;
                }

                var kind = GetKind(kinds, KindName(extra));
                exact.TryAdd(extra.Trim(), kind);
                configuredKeyEndsInDigit |= EndsInDigit(extra);
                var length = Compact(extra.Trim(), compact, wordStart, out _);
                if (length > 0)
                {
                    terms.Add(new Term(new string(compact[..length]), kind, WordAligned: true));
                }
            }
        }

        foreach (var (term, kindName, aligned) in builtInTerms ? BuiltInTerms : [])
        {
            terms.Add(new Term(term, GetKind(kinds, kindName), aligned));
        }

        IsEmpty = terms.Count == 0;
        OnlyBase64KeysEndInDigit = !configuredKeyEndsInDigit && BuiltInDigitEndingsAre64;
        _customHeaderKey = builtInTerms ? GetKind(kinds, "api_key") : null;

        // Longer terms first: the most specific kind wins and every shorter suffix is still tried.
        terms.Sort(static (a, b) => b.Text.Length.CompareTo(a.Text.Length));
        _termsByLastChar = new Term[128][];
        for (var c = 0; c < _termsByLastChar.Length; c++)
        {
            _termsByLastChar[c] = NoTerms;
        }

        foreach (var group in terms.GroupBy(static t => t.Text[^1]))
        {
            _termsByLastChar[group.Key] = [.. group];
        }

        _exact = exact.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _exactLookup = _exact.GetAlternateLookup<ReadOnlySpan<char>>();
        _cacheLookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Gets a value indicating whether no key can match.</summary>
    public bool IsEmpty { get; }

    /// <summary>
    /// Gets a value indicating whether a key whose last character is an ASCII digit can be sensitive only by ending in
    /// <c>64</c> (the value suffixes <c>b64</c> and <c>base64</c>, as in <c>token_b64</c>): true unless a configured
    /// key ends in a digit. The built-in terms and the custom-header rule end in letters, and a key ending in a digit
    /// compacts to a text ending in that digit, which only a term, an exact key or a value suffix ending in a digit can
    /// end. This lets the pre-scan ignore the colon of a time (<c>14:05</c>).
    /// </summary>
    public bool OnlyBase64KeysEndInDigit { get; }

    /// <summary>Returns the kind of secret <paramref name="key"/> names, or <see langword="null"/>.</summary>
    public SensitiveKeyKind? Classify(ReadOnlySpan<char> key)
    {
        if (key.IsEmpty)
        {
            return null;
        }

        if (key.Length > MaxCachedKeyLength)
        {
            return ClassifyUncached(key);
        }

        if (!_cacheLookup.TryGetValue(key, out var kind))
        {
            kind = ClassifyUncached(key) ?? NotSensitive;
            if (Volatile.Read(ref _cached) < MaxCachedKeys && _cacheLookup.TryAdd(key, kind))
            {
                Interlocked.Increment(ref _cached);
            }
        }

        return ReferenceEquals(kind, NotSensitive) ? null : kind;
    }

    private SensitiveKeyKind? ClassifyUncached(ReadOnlySpan<char> key)
    {
        if (_exact.Count > 0 && _exactLookup.TryGetValue(key, out var exactKind))
        {
            return exactKind;
        }

        Span<char> compact = stackalloc char[MaxKeyChars];
        Span<bool> wordStart = stackalloc bool[MaxKeyChars];
        var length = Compact(key, compact, wordStart, out var lastWordStart);
        if (length == 0)
        {
            return null;
        }

        var text = compact[..length];
        var kind = Match(text, wordStart);
        if (kind is null && lastWordStart > 0 && ValueSuffixLookup.Contains(text[lastWordStart..]))
        {
            kind = Match(text[..lastWordStart], wordStart);
        }

        if (kind is null && _customHeaderKey is not null && IsCustomHeaderKey(text, wordStart, lastWordStart))
        {
            kind = _customHeaderKey;
        }

        return kind;
    }

    private SensitiveKeyKind? Match(ReadOnlySpan<char> text, ReadOnlySpan<bool> wordStart)
    {
        foreach (var term in _termsByLastChar[text[^1]])
        {
            if (text.EndsWith(term.Text, StringComparison.Ordinal)
                && (!term.WordAligned || wordStart[text.Length - term.Text.Length]))
            {
                return term.Kind;
            }
        }

        return null;
    }

    // X-Client-Key, X-Functions-Key, x-custom-key: a custom header named "key" carries a credential.
    private static bool IsCustomHeaderKey(ReadOnlySpan<char> text, ReadOnlySpan<bool> wordStart, int lastWordStart)
    {
        if (lastWordStart == 0 || !text[lastWordStart..].SequenceEqual("key"))
        {
            return false;
        }

        for (var i = 0; i < lastWordStart; i++)
        {
            if (wordStart[i] && text[i] == 'x' && wordStart[i + 1])
            {
                return true;
            }
        }

        return false;
    }

    // Writes the lower-cased words of the last two segments of the key into compact and marks where words start.
    private static int Compact(ReadOnlySpan<char> key, Span<char> compact, Span<bool> wordStart, out int lastWordStart)
    {
        var lastDot = key.LastIndexOf('.');
        var start = 0;
        if (lastDot > 0)
        {
            start = key[..lastDot].LastIndexOf('.') + 1;
        }

        var part = key[start..];
        if (part.Length > compact.Length)
        {
            // The end of the key decides, so a long key keeps its last characters.
            part = part[^compact.Length..];
        }

        var length = 0;
        lastWordStart = 0;
        var newWord = true;
        var previous = '\0';
        for (var i = 0; i < part.Length && length < compact.Length; i++)
        {
            var c = part[i];
            if (!char.IsAsciiLetterOrDigit(c))
            {
                newWord = true;
                previous = c;
                continue;
            }

            if (!newWord && char.IsAsciiLetterUpper(c))
            {
                if (char.IsAsciiLetterLower(previous) || char.IsAsciiDigit(previous)
                    || (char.IsAsciiLetterUpper(previous) && i + 1 < part.Length && char.IsAsciiLetterLower(part[i + 1])))
                {
                    newWord = true;
                }
            }

            wordStart[length] = newWord;
            if (newWord)
            {
                lastWordStart = length;
                newWord = false;
            }

            compact[length++] = char.ToLowerInvariant(c);
            previous = c;
        }

        return length;
    }

    // Whether the last ASCII letter or digit of a configured key (what its compacted term and its exact text end in
    // when a key in text ends in a digit) is a digit.
    private static bool EndsInDigit(string key)
    {
        for (var i = key.Length - 1; i >= 0; i--)
        {
            if (char.IsAsciiLetterOrDigit(key[i]))
            {
                return char.IsAsciiDigit(key[i]);
            }
        }

        return false;
    }

    private static SensitiveKeyKind GetKind(Dictionary<string, SensitiveKeyKind> kinds, string name)
    {
        if (!kinds.TryGetValue(name, out var kind))
        {
            kind = new SensitiveKeyKind(name);
            kinds.Add(name, kind);
        }

        return kind;
    }

    private static string KindName(string key)
    {
        Span<char> buffer = stackalloc char[Math.Min(key.Length, 64)];
        var length = 0;
        foreach (var c in key.Trim())
        {
            if (length == buffer.Length)
            {
                break;
            }

            buffer[length++] = char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_';
        }

        return length == 0 ? "secret" : new string(buffer[..length]);
    }

    private readonly record struct Term(string Text, SensitiveKeyKind Kind, bool WordAligned);
}

/// <summary>A kind of secret named by a key, with its precomputed replacement text.</summary>
internal sealed class SensitiveKeyKind
{
    public SensitiveKeyKind(string name)
    {
        Name = name;
        Replacement = "[REDACTED:" + name + "]";
    }

    public string Name { get; }

    public string Replacement { get; }

    /// <summary>Gets a value indicating whether values run to the end of the line, as in an HTTP header line.</summary>
    public bool IsHeaderLike => Name is "authorization" or "cookie";
}
