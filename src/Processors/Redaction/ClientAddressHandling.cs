namespace ErrorTelemetry;

/// <summary>
/// What happens to client IP addresses (<see cref="RedactionOptions.ClientAddressKeys"/>), which are personal data
/// under the GDPR.
/// </summary>
public enum ClientAddressHandling
{
    /// <summary>
    /// The address loses its host part: an IPv4 address keeps its first three octets (<c>203.0.113.0</c>), an IPv6
    /// address its first 48 bits (<c>2001:db8:85a3::</c>). A value that is not an IP address is scanned as usual.
    /// </summary>
    Truncate,

    /// <summary>
    /// The address is replaced with a stable pseudonym under <see cref="RedactionOptions.PseudonymizationKey"/>, as
    /// values of <see cref="RedactionOptions.PseudonymizedKeys"/> are.
    /// </summary>
    Pseudonymize,

    /// <summary>The address is exported as the application recorded it (scanned as any other value).</summary>
    Keep,
}
