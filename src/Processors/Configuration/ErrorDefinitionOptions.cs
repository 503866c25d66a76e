namespace ErrorTelemetry;

/// <summary>
/// One catalog entry in configuration: <c>ErrorTelemetry:Catalog:&lt;CODE&gt;</c> in appsettings.json, or a property of
/// the JSON catalog file named by <see cref="ErrorTelemetryOptions.CatalogFile"/>.
/// </summary>
/// <remarks>
/// For a code the catalog does not have yet, the entry defines it and needs <see cref="Category"/> and
/// <see cref="Title"/>. For a code that is built in or defined in code, the entry overrides the fields it sets;
/// it may repeat the category but not change it. Unset (null or empty) fields leave the definition as it is.
/// Mistakes are reported when the host starts, each naming the entry and the rule it broke. Not thread-safe while
/// being configured.
/// </remarks>
public sealed class ErrorDefinitionOptions
{
    /// <summary>Gets or sets the category: one of the <see cref="ErrorCategory"/> names (case-insensitive; <c>not_found</c> works too).</summary>
    /// <value>The default is <see langword="null"/>: required for a new code, unchanged for an existing one.</value>
    public string? Category { get; set; }

    /// <summary>Gets or sets the severity: <c>Info</c>, <c>Warning</c>, <c>Error</c> or <c>Critical</c> (case-insensitive).</summary>
    /// <value>The default is <see langword="null"/>: the category's default severity for a new code, unchanged for an existing one.</value>
    public string? Severity { get; set; }

    /// <summary>Gets or sets the title: short, human, safe to show an end user.</summary>
    /// <value>The default is <see langword="null"/>: required for a new code, unchanged for an existing one.</value>
    public string? Title { get; set; }

    /// <summary>Gets or sets the description for engineers.</summary>
    /// <value>The default is <see langword="null"/> (unchanged).</value>
    public string? Description { get; set; }

    /// <summary>Gets or sets the HTTP status a server answers with, 400 to 599.</summary>
    /// <value>The default is <see langword="null"/>: the category's default status for a new code, unchanged for an existing one.</value>
    public int? HttpStatus { get; set; }

    /// <summary>Gets or sets a value indicating whether the same request may succeed if retried.</summary>
    /// <value>The default is <see langword="null"/>: <see langword="false"/> for a new code, unchanged for an existing one.</value>
    public bool? Retryable { get; set; }

    /// <summary>Gets or sets the team or person who owns this failure.</summary>
    /// <value>The default is <see langword="null"/> (unchanged).</value>
    public string? Owner { get; set; }

    /// <summary>Gets or sets the runbook link: an absolute http or https URL.</summary>
    /// <value>The default is <see langword="null"/> (unchanged).</value>
    public string? RunbookUrl { get; set; }

    /// <summary>Gets or sets a hint on how to fix or work around the failure.</summary>
    /// <value>The default is <see langword="null"/> (unchanged).</value>
    public string? Remediation { get; set; }

    /// <summary>Gets or sets the code that replaces this one, which deprecates this one. It must be in the catalog.</summary>
    /// <value>The default is <see langword="null"/> (unchanged).</value>
    public string? ReplacedBy { get; set; }
}
