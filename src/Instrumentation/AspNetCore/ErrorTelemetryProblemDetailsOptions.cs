using System.ComponentModel.DataAnnotations;
using ErrorTelemetry.AspNetCore.Internal;

namespace ErrorTelemetry;

/// <summary>
/// How failed requests are answered (RFC 9457 problem details), bound from the <c>ErrorTelemetry:ProblemDetails</c>
/// configuration section by <c>AddErrorTelemetry()</c>.
/// </summary>
/// <remarks>
/// Configure at start; not thread-safe while being configured. Validated when the host starts: an invalid value stops
/// the host with an <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> that names the key.
/// </remarks>
public sealed class ErrorTelemetryProblemDetailsOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "ErrorTelemetry:ProblemDetails";

    /// <summary>
    /// Gets or sets the absolute URI the error code is appended to for a problem's <c>type</c>, e.g.
    /// <c>https://errors.example.com/</c> gives <c>https://errors.example.com/ORDER_NOT_FOUND</c>. An http(s) base
    /// that does not end in <c>/</c>, <c>#</c> or <c>=</c> gets a <c>/</c> before the code.
    /// </summary>
    /// <value>
    /// The default is <c>urn:error:</c>, a stable identifier that is not meant to be dereferenced (RFC 9457 §3.1.1
    /// allows non-resolvable type URIs). Point it at your public error documentation.
    /// </value>
    public string TypeBaseUri { get; set; } = ProblemDetailsConstants.DefaultTypeBaseUri;

    /// <summary>
    /// Gets or sets a value indicating whether a definition's <see cref="ErrorDefinition.RunbookUrl"/> is used as the
    /// problem <c>type</c> instead of <see cref="TypeBaseUri"/> plus the code. Turn it off when runbooks are internal.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool UseRunbookUrlAsType { get; set; } = true;

    /// <summary>Gets or sets the <c>Retry-After</c> seconds sent with rate-limited (429) and unavailable (503) answers that do not carry one.</summary>
    /// <value>The default is 30. Must be between 1 and 86400.</value>
    [Range(ProblemDetailsConstants.MinRetryAfterSeconds, ProblemDetailsConstants.MaxRetryAfterSeconds)]
    public int RetryAfterSeconds { get; set; } = ProblemDetailsConstants.DefaultRetryAfterSeconds;

    /// <summary>
    /// Gets or sets a value indicating whether a developer-diagnostics extension (<c>exception</c>: type, redacted
    /// message, stack trace) may be added to problems caused by an exception. It is added only for callers that pass
    /// <see cref="DiagnosticsPolicy"/>; never for anyone else, in any environment.
    /// </summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool IncludeDiagnostics { get; set; }

    /// <summary>Gets or sets the name of the authorization policy a caller must pass to receive diagnostics. Required when <see cref="IncludeDiagnostics"/> is on.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? DiagnosticsPolicy { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether clients that prefer <c>text/html</c> over JSON (browsers) get a small,
    /// accessible HTML error page instead of <c>application/problem+json</c>.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool HtmlErrorPages { get; set; } = true;
}
