using System.ComponentModel.DataAnnotations;
using ErrorTelemetry.Redaction.Internal;

namespace ErrorTelemetry;

/// <summary>
/// Settings of the redaction engine that removes secrets and personal data from every span, log record and console
/// line before it leaves the process. Bound from the configuration section <see cref="SectionName"/>.
/// </summary>
/// <remarks>
/// <para>
/// Redaction works in three ways. Attribute keys that name a secret (<c>password</c>, <c>authorization</c>,
/// <c>x-api-key</c>, <c>db.connection_string</c>, …) have their whole value replaced with <c>[REDACTED:&lt;kind&gt;]</c>.
/// Every other string value, message body and exception text is scanned by detectors (e-mail, payment card, JWT,
/// bearer/basic credentials, US SSN, phone, IBAN, AWS and provider API keys, PEM private keys, <c>password=</c> in
/// connection strings and free text) and only the matched part is replaced, e.g. <c>[REDACTED:email]</c>. URLs lose
/// the values of sensitive query parameters (<c>?token=[REDACTED]</c>) and their <c>user:password@</c> part.
/// </para>
/// <para>
/// Collection properties start with the defaults listed on each property; configuration entries are added to them.
/// The options are read once when the redaction engine is built; later changes have no effect. Not thread-safe while
/// being configured. Nothing here throws; invalid settings are reported by options validation at start-up.
/// </para>
/// </remarks>
public sealed class RedactionOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "ErrorTelemetry:Redaction";

    /// <summary>
    /// Gets additional attribute keys whose whole value is always redacted. An entry matches a key that is
    /// equal to it (case-insensitive), or whose last one or two dot-separated segments end with the entry as whole
    /// words (so <c>customer_ref</c> matches <c>order.customer_ref</c> and <c>x-customer-ref</c>).
    /// </summary>
    /// <value>The default is empty; the built-in list (password, token, secret, api key, authorization, cookie,
    /// session, credential, private key, connection string, …) always applies.</value>
    public IList<string> SensitiveKeys { get; } = new List<string>();

    /// <summary>
    /// Gets attribute keys whose values are never scanned. An entry ending in <c>*</c> is a prefix
    /// (<c>error.*</c>). A key that names a secret is redacted even if a prefix entry covers it; only an exact entry
    /// overrides that. Keys under <c>error.context.</c> and <c>error.detail.</c> hold what application code attached
    /// to an exception, so they are scanned although <c>error.*</c> covers them; only an exact entry or a prefix at
    /// least as specific (<c>error.context.*</c>) keeps them unscanned.
    /// </summary>
    /// <value>The default is <c>trace_id</c>, <c>span_id</c>, <c>parent_id</c>, <c>TraceId</c>, <c>SpanId</c>,
    /// <c>ParentId</c>, <c>error.*</c>, <c>exception.type</c>, <c>http.request.method</c>,
    /// <c>http.response.status_code</c>, <c>http.route</c>, <c>url.scheme</c>, <c>server.port</c>,
    /// <c>network.protocol.name</c>, <c>network.protocol.version</c>, <c>otel.status_code</c>.</value>
    public IList<string> PreservedKeys { get; } = new List<string>
    {
        "trace_id",
        "span_id",
        "parent_id",
        "TraceId",
        "SpanId",
        "ParentId",
        "error.*",
        "exception.type",
        "http.request.method",
        "http.response.status_code",
        "http.route",
        "url.scheme",
        "server.port",
        "network.protocol.name",
        "network.protocol.version",
        "otel.status_code",
    };

    /// <summary>
    /// Gets attribute keys whose values are replaced with a stable pseudonym (HMAC-SHA256 under
    /// <see cref="PseudonymizationKey"/>), so the same user can be followed across signals and services without
    /// exporting the identifier. An entry matches as a <see cref="SensitiveKeys"/> entry does: case- and
    /// separator-insensitively, as the whole key or the last words of its last one or two segments (<c>user.id</c>
    /// matches <c>UserId</c>, <c>user_id</c>, <c>userId</c> and <c>app.user-id</c>, not <c>userIdentity</c>).
    /// Entries ending in <c>*</c> are prefixes.
    /// </summary>
    /// <value>The default is <c>enduser.id</c>, <c>user.id</c> and <c>customer.id</c>.</value>
    public IList<string> PseudonymizedKeys { get; } = new List<string> { "enduser.id", "user.id", "customer.id" };

    /// <summary>
    /// Gets or sets the secret key of the pseudonymization HMAC: at least 32 bytes of UTF-8 key material. Services
    /// that share the key produce the same pseudonym for the same value, <c>pseu_&lt;key id&gt;_</c> followed by 32
    /// hex characters (16 bytes of HMAC-SHA256). Keep it in a secret store, not in appsettings.json.
    /// </summary>
    /// <value>The default is <see langword="null"/>: values of <see cref="PseudonymizedKeys"/> are masked as
    /// <c>[REDACTED:user]</c> and a warning is emitted once at start-up.</value>
    public string? PseudonymizationKey { get; set; }

    /// <summary>
    /// Gets or sets the id of <see cref="PseudonymizationKey"/>, written into every pseudonym so pseudonyms made under
    /// different keys are told apart (a rotation shows instead of silently changing every pseudonym). 1 to 16
    /// lower-case letters and digits.
    /// </summary>
    /// <value>The default is <see langword="null"/>: 8 hex characters of the key's SHA-256.</value>
    public string? PseudonymizationKeyId { get; set; }

    /// <summary>
    /// Gets or sets what happens to client IP addresses, the values of <see cref="ClientAddressKeys"/>: personal data
    /// under the GDPR. <see cref="ClientAddressHandling.Truncate"/> keeps the network and drops the host part
    /// (<c>203.0.113.195</c> → <c>203.0.113.0</c>, <c>2001:db8:85a3:8d3::370</c> → <c>2001:db8:85a3::</c>);
    /// <see cref="ClientAddressHandling.Pseudonymize"/> replaces the address with a pseudonym under
    /// <see cref="PseudonymizationKey"/> (which must then be set); <see cref="ClientAddressHandling.Keep"/> exports it.
    /// A key that <see cref="PreservedKeys"/> lists exactly is exported unchanged whatever this says.
    /// </summary>
    /// <value>The default is <see cref="ClientAddressHandling.Truncate"/>.</value>
    public ClientAddressHandling ClientAddressHandling { get; set; } = ClientAddressHandling.Truncate;

    /// <summary>
    /// Gets the attribute keys whose values are client IP addresses, handled as <see cref="ClientAddressHandling"/>
    /// says. An entry matches as a <see cref="PseudonymizedKeys"/> entry does: case- and separator-insensitively, as
    /// the whole key or the last words of its last one or two segments (<c>client.ip</c> matches <c>ClientIp</c> and
    /// <c>x_client_ip</c>; <c>ip.address</c> matches <c>RemoteIpAddress</c> and <c>ip_address</c>). Entries ending in
    /// <c>*</c> are prefixes.
    /// </summary>
    /// <value>The default is <c>client.address</c>, <c>client.ip</c>, <c>http.client_ip</c>, <c>net.peer.ip</c>,
    /// <c>network.peer.address</c>, <c>ip.address</c>, <c>remote.addr</c> and <c>forwarded.for</c>
    /// (<c>X-Forwarded-For</c>, whose comma-separated addresses are truncated one by one).</value>
    public IList<string> ClientAddressKeys { get; } = new List<string>
    {
        "client.address",
        "client.ip",
        "http.client_ip",
        "net.peer.ip",
        "network.peer.address",
        "ip.address",
        "remote.addr",
        "forwarded.for",
    };

    /// <summary>
    /// Gets names of built-in detectors to turn off: <c>private_key</c>, <c>url_userinfo</c>,
    /// <c>url_query</c>, <c>key_value</c>, <c>jwt</c>, <c>auth_header</c>, <c>aws_key</c>, <c>api_key</c>,
    /// <c>email</c>, <c>iban</c>, <c>card</c>, <c>ssn</c>, <c>phone</c>.
    /// </summary>
    /// <value>The default is empty: every detector runs.</value>
    public IList<string> DisabledDetectors { get; } = new List<string>();

    /// <summary>
    /// Gets extra value detectors as regular expressions, by name. Every match is replaced with
    /// <c>[REDACTED:&lt;name&gt;]</c>. Names use letters, digits, <c>_</c>, <c>-</c> and <c>.</c>. A custom pattern
    /// has no cheap pre-scan, so it runs on every scanned value: keep it simple.
    /// </summary>
    /// <value>The default is empty.</value>
    public IDictionary<string, string> CustomPatterns { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets additional URL query (and fragment) parameter names whose values are replaced with
    /// <c>[REDACTED]</c>. Compared case-insensitively.
    /// </summary>
    /// <value>The default is empty; the built-in list (token, access_token, id_token, refresh_token, code, api_key,
    /// key, sig, signature, password, secret, session, X-Amz-Signature, X-Amz-Credential, X-Amz-Security-Token, …)
    /// always applies, as does every parameter whose name is a sensitive key.</value>
    public IList<string> SensitiveQueryParameters { get; } = new List<string>();

    /// <summary>
    /// Gets or sets a value indicating whether only attribute keys listed in <see cref="AllowedKeys"/> (or in
    /// <see cref="PreservedKeys"/>) leave the process. Every other attribute is dropped. Allowed values are still
    /// redacted; bodies, messages and exception text are still scanned.
    /// </summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool FailClosed { get; set; }

    /// <summary>
    /// Gets the attribute keys that may leave the process when <see cref="FailClosed"/> is on. Entries
    /// ending in <c>*</c> are prefixes.
    /// </summary>
    /// <value>The default is <c>correlation.id</c>: it leaves the process in fail-closed mode too, but is scanned,
    /// because a caller chooses it (an e-mail address sent as <c>X-Correlation-ID</c> must not be exported).</value>
    public IList<string> AllowedKeys { get; } = new List<string> { "correlation.id" };

    /// <summary>
    /// Gets or sets the longest value, in characters, that is scanned and exported whole. A longer value (a logged
    /// request body, a huge exception message) is cut to this length before any detector reads it and ends with the
    /// marker <c> [TRUNCATED: &lt;n&gt; characters]</c>, where n is the number of characters removed. This bounds the
    /// work one value can cost: every detector is linear in its input, so a value costs at most a fixed multiple of
    /// this length. A secret cut in half at the limit is no longer recognisable, so its first part may remain.
    /// </summary>
    /// <value>The default is 32768 (32 KiB of characters). Allowed: 1024 to 16777216.</value>
    [Range(RedactionConstants.MinimumMaxValueLength, RedactionConstants.MaximumMaxValueLength)]
    public int MaxValueLength { get; set; } = RedactionConstants.DefaultMaxValueLength;

    /// <summary>
    /// Gets detectors written in code, run after the built-in detectors and <see cref="CustomPatterns"/>.
    /// Not bound from configuration.
    /// </summary>
    /// <value>The default is empty.</value>
    public IList<RedactionDetector> Detectors { get; } = new List<RedactionDetector>();
}
