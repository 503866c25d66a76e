using ErrorTelemetry.Catalog.Internal;

namespace ErrorTelemetry;

/// <summary>
/// One entry of the error catalog: a stable code with everything an engineer or a client needs to know about it.
/// </summary>
/// <remarks>
/// Immutable once built and safe to share across threads. Declare definitions as <c>static readonly</c> fields of a
/// static class so they are discoverable with IntelliSense, and register that class with
/// <see cref="ErrorTelemetryOptions.AddDefinitions(System.Type)"/>. The constructor throws
/// <see cref="ArgumentException"/> for a code that breaks the code rule; the catalog repeats the check at start.
/// </remarks>
public sealed class ErrorDefinition
{
    private readonly int? _httpStatus;
    private readonly ErrorSeverity? _severity;

    /// <summary>Initializes a new definition.</summary>
    /// <param name="code">The code, UPPER_SNAKE_CASE, 3 to 63 characters, starting with a letter.</param>
    /// <param name="category">The category; supplies the default HTTP status and severity.</param>
    /// <param name="title">A short, human title that is safe to show an end user.</param>
    /// <exception cref="ArgumentException">The code breaks the code rule, or the title is empty.</exception>
    public ErrorDefinition(string code, ErrorCategory category, string title)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        var problem = ErrorCodeRule.Check(code);
        if (problem is not null)
        {
            throw new ArgumentException($"Error code '{code}' is invalid: {problem}", nameof(code));
        }

        Code = code;
        Category = category;
        Title = title;
    }

    /// <summary>Gets the stable, machine-readable code, e.g. <c>DEPENDENCY_DB_TIMEOUT</c>.</summary>
    public string Code { get; }

    /// <summary>Gets the category.</summary>
    public ErrorCategory Category { get; }

    /// <summary>Gets the title: short, human, safe to show an end user.</summary>
    public string Title { get; }

    /// <summary>Gets the description for engineers: what happened and why it matters.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? Description { get; init; }

    /// <summary>Gets the severity.</summary>
    /// <value>The default is the category's default severity.</value>
    public ErrorSeverity Severity
    {
        get => _severity ?? CategoryDefaults.Severity(Category);
        init => _severity = value;
    }

    /// <summary>Gets the HTTP status a server answers with for this error.</summary>
    /// <value>The default is the category's default status.</value>
    public int HttpStatus
    {
        get => _httpStatus ?? CategoryDefaults.HttpStatus(Category);
        init => _httpStatus = value;
    }

    /// <summary>Gets a value indicating whether the same request may succeed if retried.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool Retryable { get; init; }

    /// <summary>Gets the team or person who owns this failure.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? Owner { get; init; }

    /// <summary>Gets the runbook or documentation link for this code.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Uri? RunbookUrl { get; init; }

    /// <summary>Gets a hint on how to fix or work around the failure.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? Remediation { get; init; }

    /// <summary>Gets the code that replaces this one when it is deprecated.</summary>
    /// <value>The default is <see langword="null"/> (not deprecated).</value>
    public string? ReplacedBy { get; init; }

    /// <summary>Gets a value indicating whether the code is deprecated in favour of <see cref="ReplacedBy"/>.</summary>
    public bool IsDeprecated => ReplacedBy is not null;

    /// <summary>Gets the <c>error.category</c> attribute value, e.g. <c>not_found</c>.</summary>
    public string CategoryName => CategoryDefaults.Name(Category);

    /// <summary>Gets the <c>error.severity</c> attribute value, e.g. <c>critical</c>.</summary>
    public string SeverityName => CategoryDefaults.Name(Severity);

    /// <summary>Gets a value indicating whether the failure is the server's fault (HTTP 5xx), rather than the caller's.</summary>
    public bool IsServerFault => HttpStatus >= 500;

    /// <inheritdoc/>
    public override string ToString() => Code;
}
