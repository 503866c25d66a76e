namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// What <see cref="AnchorScan"/> saw in a text. Each built-in detector names the anchors it needs
/// (<see cref="BuiltInDetector.Anchors"/>); a detector none of whose anchors was seen cannot match and is skipped.
/// </summary>
[Flags]
internal enum DetectorAnchors
{
    /// <summary>Nothing any built-in detector needs.</summary>
    None = 0,

    /// <summary>An <c>@</c> (e-mail addresses, URL user-info).</summary>
    At = 1 << 0,

    /// <summary>An <c>=</c> (query parameters, assignments).</summary>
    EqualsSign = 1 << 1,

    /// <summary>A <c>:</c> (<c>key: value</c>).</summary>
    Colon = 1 << 2,

    /// <summary>A <c>&gt;</c> (<c>&lt;password&gt;…</c>).</summary>
    Greater = 1 << 3,

    /// <summary>A <c>+</c> (international phone numbers).</summary>
    Plus = 1 << 4,

    /// <summary>Two dashes in a row (command-line flags, PEM armour).</summary>
    DoubleDash = 1 << 5,

    /// <summary>At least 11 digits joined by single spaces or dashes, and a dash somewhere (<c>123-45-6789</c>).</summary>
    SsnShape = 1 << 6,

    /// <summary>At least 13 digits joined by single spaces or dashes (card numbers).</summary>
    DigitRun13 = 1 << 7,

    /// <summary>Two letters of either case followed by a digit (an IBAN's country code and first check digit).</summary>
    IbanStart = 1 << 8,

    /// <summary><c>yJ</c> (the start of a JWT, <c>eyJ</c>).</summary>
    JwtStart = 1 << 9,

    /// <summary><c>bea</c>, <c>bas</c>, <c>baa</c> or <c>bes</c> in any case (<c>bearer</c>, <c>basic</c>).</summary>
    AuthScheme = 1 << 10,

    /// <summary>At least 20 upper-case letters and digits in a row (AWS key ids).</summary>
    AwsPrefix = 1 << 11,

    /// <summary>A lower-case letter followed by <c>_</c> or <c>-</c>, or <c>Iz</c> (provider API key prefixes).</summary>
    ApiKeyPrefix = 1 << 12,

    /// <summary><c>%40</c>, a URL-encoded <c>@</c> (e-mail addresses in query strings).</summary>
    EncodedAt = 1 << 13,

    /// <summary>
    /// At least 11 digits, brackets and single spaces or dashes before a digit in a row (national phone numbers,
    /// <c>(415) 555-2671</c>).
    /// </summary>
    PhoneShape = 1 << 14,

    /// <summary>A <c>:</c> after an <c>e</c> or <c>E</c> (the end of <c>Cookie:</c> and <c>Set-Cookie:</c>).</summary>
    CookieHeader = 1 << 15,
}
