using Microsoft.CodeAnalysis;

namespace ErrorTelemetry.Analyzers;

/// <summary>
/// Every rule the analyzers report, in one place: a rule's id, title and default severity are part of the contract
/// (tracked in AnalyzerReleases.*.md), and its help link is an anchor of docs/analyzers.md.
/// </summary>
internal static class Rules
{
    public const string UnclassifiableThrowId = "ET0001";
    public const string SwallowedFailureId = "ET0002";
    public const string SwallowedCancellationId = "ET0003";
    public const string SensitiveMessageId = "ET0004";
    public const string UnknownCodeId = "ET0005";
    public const string DeprecatedCodeId = "ET0006";

    private const string HelpBase = "https://errortelemetry.dev/docs/analyzers#";
    private const string CatalogCategory = "ErrorTelemetry.Catalog";
    private const string ReliabilityCategory = "ErrorTelemetry.Reliability";
    private const string SecurityCategory = "ErrorTelemetry.Security";

    public static readonly DiagnosticDescriptor UnclassifiableThrow = Rule(
        UnclassifiableThrowId,
        "Raise a catalogued failure",
        "'throw new {0}' raises a failure the catalog cannot classify, so it is counted as UNCLASSIFIED; throw a catalogued definition's ToException() instead",
        CatalogCategory,
        "A vanilla Exception, ApplicationException or SystemException carries no code: no mapping rule can tell one from another, so every such failure lands in UNCLASSIFIED with no owner, runbook or HTTP status.");

    public static readonly DiagnosticDescriptor SwallowedFailure = Rule(
        SwallowedFailureId,
        "Do not erase a failure from telemetry",
        "This catch takes every exception and neither rethrows, records the exception, nor returns a coded result, so the failure never reaches a span, a log or the failure count",
        ReliabilityCategory,
        "A broad catch that swallows the exception erases the failure from telemetry. Rethrow it (throw;), pass the exception to a logger or activity, or turn it into a catalogued result.");

    public static readonly DiagnosticDescriptor SwallowedCancellation = Rule(
        SwallowedCancellationId,
        "Do not swallow cancellation",
        "This catch swallows '{0}' and carries on, so a cancelled operation keeps running and graceful shutdown waits for it; rethrow, return or break, or filter on the token you expect",
        ReliabilityCategory,
        "Cancellation must end the operation it cancels. A catch that swallows OperationCanceledException and continues breaks graceful shutdown and hides timeouts.");

    public static readonly DiagnosticDescriptor SensitiveMessage = Rule(
        SensitiveMessageId,
        "Do not put personal data or secrets into message text",
        "The message interpolates '{0}', whose name says it is personal data or a secret; text cannot be governed by redaction rules, so pass it {1}",
        SecurityCategory,
        "Interpolated message text is opaque: the value is only caught if a detector happens to recognise it. A structured log parameter or exception context keeps the key, which redaction by key always governs.");

    public static readonly DiagnosticDescriptor UnknownCode = Rule(
        UnknownCodeId,
        "Use a code the catalog defines",
        "The error code '{0}' is not in the catalog; define it (new ErrorDefinition or the catalog file) or use a catalogued code",
        CatalogCategory,
        "A code the catalog does not define stops the host at start, or is classified as UNCLASSIFIED. The catalog seen here is the built-in codes, the definitions in this project and the *catalog*.json additional files.");

    public static readonly DiagnosticDescriptor DeprecatedCode = Rule(
        DeprecatedCodeId,
        "Do not use a deprecated code",
        "The error code '{0}' is deprecated; use '{1}', which replaces it",
        CatalogCategory,
        "A deprecated code names its replacement (ReplacedBy) and is removed in the next major release of the catalog; dashboards and alerts follow the replacement.");

    private static DiagnosticDescriptor Rule(string id, string title, string message, string category, string description) =>
        new(id, title, message, category, DiagnosticSeverity.Warning, isEnabledByDefault: true, description, HelpBase + id.ToLowerInvariant());
}
