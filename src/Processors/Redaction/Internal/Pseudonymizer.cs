using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Replaces user ids with a stable pseudonym (<c>pseu_</c> + 16 hex characters of HMAC-SHA256 under the configured
/// key), or with <see cref="Redactor.UserReplacement"/> when no key is configured. Thread-safe; never throws for a
/// value (an object's <c>ToString</c> aside).
/// </summary>
internal sealed class Pseudonymizer
{
    private const string PseudonymPrefix = "pseu_";
    private const int PseudonymHexChars = 16;

    private readonly byte[]? _key;

    public Pseudonymizer(string? key)
    {
        _key = string.IsNullOrEmpty(key) ? null : Encoding.UTF8.GetBytes(key);
    }

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
            Span<char> pseudonym = stackalloc char[PseudonymPrefix.Length + PseudonymHexChars];
            PseudonymPrefix.CopyTo(pseudonym);
            Convert.TryToHexStringLower(mac[..(PseudonymHexChars / 2)], pseudonym[PseudonymPrefix.Length..], out _);
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
    private static bool IsPseudonym(string text)
    {
        if (text.Length != PseudonymPrefix.Length + PseudonymHexChars || !text.StartsWith(PseudonymPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in text.AsSpan(PseudonymPrefix.Length))
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
