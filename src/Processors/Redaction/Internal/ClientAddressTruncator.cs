using System.Net;
using System.Net.Sockets;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Removes the host part of client IP addresses: an IPv4 address keeps 24 bits (<c>203.0.113.0</c>), an IPv6 address
/// 48 bits (<c>2001:db8:85a3::</c>), an IPv4-mapped IPv6 address its IPv4 part's 24 bits (<c>::ffff:203.0.113.0</c>).
/// Thread-safe; never throws.
/// </summary>
internal static class ClientAddressTruncator
{
    private const int IPv4KeptBytes = 3;
    private const int IPv6KeptBytes = 6;
    private const int MaxAddressChars = 64;

    /// <summary>
    /// Truncates <paramref name="text"/> when it is an IP address written out in full (four dotted decimal octets, or
    /// IPv6 with colons, optionally in brackets), or a comma-separated list holding such addresses; returns <see langword="false"/> for anything else, such as a host
    /// name or the number <c>12345</c>, which <see cref="IPAddress.TryParse(string?, out IPAddress?)"/> would accept.
    /// </summary>
    public static bool TryTruncate(string text, out string truncated)
    {
        truncated = text;
        if (text.Contains(','))
        {
            return TryTruncateList(text, ref truncated);
        }

        if (!TryTruncate(text.AsSpan(), out var address))
        {
            return false;
        }

        truncated = address;
        return true;
    }

    // An X-Forwarded-For list ("203.0.113.195, 10.0.0.7"): every address in it is truncated, other entries
    // ("unknown", a host name) are kept for the detectors to scan.
    private static bool TryTruncateList(string text, ref string truncated)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        var any = false;
        foreach (var range in text.AsSpan().Split(','))
        {
            var part = text.AsSpan(range);
            if (builder.Length > 0)
            {
                builder.Append(", ");
            }

            if (TryTruncate(part, out var address))
            {
                builder.Append(address);
                any = true;
            }
            else
            {
                builder.Append(part.Trim());
            }
        }

        if (any)
        {
            truncated = builder.ToString();
        }

        return any;
    }

    private static bool TryTruncate(ReadOnlySpan<char> text, out string truncated)
    {
        truncated = string.Empty;
        var span = text.Trim();
        if (span.Length is 0 or > MaxAddressChars)
        {
            return false;
        }

        if (span[0] == '[' && span[^1] == ']')
        {
            span = span[1..^1];
        }

        if (!LooksLikeAddress(span) || !IPAddress.TryParse(span, out var address))
        {
            return false;
        }

        truncated = Truncate(address).ToString();
        return true;
    }

    /// <summary>Returns <paramref name="address"/> without its host part.</summary>
    public static IPAddress Truncate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return Truncate(address.MapToIPv4()).MapToIPv6();
        }

        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            return address.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any;
        }

        var kept = address.AddressFamily == AddressFamily.InterNetwork ? IPv4KeptBytes : IPv6KeptBytes;
        bytes[kept..written].Clear();
        return new IPAddress(bytes[..written]);
    }

    // IPv4 only as a.b.c.d in decimal; IPv6 must have a colon. Parse accepts shorter and other forms ("1", "0x7f.1").
    private static bool LooksLikeAddress(ReadOnlySpan<char> span)
    {
        if (span.Contains(':'))
        {
            return true;
        }

        var dots = 0;
        foreach (var c in span)
        {
            if (c == '.')
            {
                dots++;
            }
            else if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return dots == 3;
    }
}
