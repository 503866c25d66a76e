using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Replaces user ids with a stable pseudonym, <c>pseu_&lt;key id&gt;_&lt;32 hex characters&gt;</c>: the first 16 bytes
/// of HMAC-SHA256 under the configured key, after the id of that key (as <c>HmacRedactor</c> in
/// Microsoft.Extensions.Compliance.Redaction does), so pseudonyms made under different keys are told apart and a key
/// rotation shows. Without a key, values become <see cref="Redactor.UserReplacement"/>. Thread-safe; never throws for
/// a value (an object's <c>ToString</c> aside).
/// </summary>
internal sealed class Pseudonymizer
{
    private const string PseudonymPrefix = "pseu_";
    private const int MacBytes = 16;
    private const int PseudonymHexChars = MacBytes * 2;

    private readonly byte[]? _key;
    private readonly string _prefix = PseudonymPrefix;

    public Pseudonymizer(string? key, string? keyId = null)
    {
        _key = string.IsNullOrEmpty(key) ? null : Encoding.UTF8.GetBytes(key);
        if (_key is not null)
        {
            _prefix = PseudonymPrefix + (string.IsNullOrWhiteSpace(keyId) ? DefaultKeyId(_key) : keyId.Trim()) + "_";
        }
    }

    /// <summary>
    /// The id of a key nobody named: 8 hex characters of its SHA-256, the same in every service holding the key, and
    /// different after a rotation. Four bytes of a hash tell nothing usable about a key of 32 bytes or more.
    /// </summary>
    public static string DefaultKeyId(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key), 0, 4);

    /// <summary>Gets a value indicating whether a key is configured.</summary>
    public bool HasKey => _key is not null;

    /// <summary>Returns the pseudonym of a value: strings and string arrays item by item, other objects formatted.</summary>
    public object? Pseudonymize(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case string[] texts:
                var copy = new string[texts.Length];
                for (var i = 0; i < texts.Length; i++)
                {
                    copy[i] = Pseudonymize(texts[i] ?? string.Empty);
                }

                return copy;
            case string text:
                return Pseudonymize(text);
            case char[] chars:
                return Pseudonymize(new string(chars));
            default:
                var formatted = value is IFormattable formattable
                    ? formattable.ToString(null, CultureInfo.InvariantCulture)
                    : value.ToString();
                return Pseudonymize(formatted ?? string.Empty);
        }
    }

    /// <summary>Returns the pseudonym of <paramref name="text"/>.</summary>
    public string Pseudonymize(string text)
    {
        if (_key is null)
        {
            return Redactor.UserReplacement;
        }

        if (IsPseudonym(text))
        {
            return text;
        }

        var maxBytes = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        var buffer = maxBytes <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            var byteCount = Encoding.UTF8.GetBytes(text, buffer);
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(_key, buffer[..byteCount], mac);
            Span<char> pseudonym = stackalloc char[_prefix.Length + PseudonymHexChars];
            _prefix.CopyTo(pseudonym);
            Convert.TryToHexStringLower(mac[..MacBytes], pseudonym[_prefix.Length..], out _);
            return new string(pseudonym);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    // A value that already went through pseudonymization (a processor running twice) must stay stable.
    private bool IsPseudonym(string text)
    {
        if (text.Length != _prefix.Length + PseudonymHexChars || !text.StartsWith(_prefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in text.AsSpan(_prefix.Length))
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
