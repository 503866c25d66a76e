using ErrorTelemetry.Catalog.Internal;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Configuration.Internal;

/// <summary>
/// Validates the options by building the catalog: every invalid, duplicate or conflicting entry, unreadable catalog
/// file, or mapping rule for an unknown code is reported, each naming the entry and the rule it broke. Registered with
/// <c>ValidateOnStart</c>, it stops the host at start.
/// </summary>
internal sealed class ErrorTelemetryOptionsValidator : IValidateOptions<ErrorTelemetryOptions>
{
    private readonly string? _contentRoot;

    /// <param name="contentRoot">The directory a relative catalog file path is resolved against; <see langword="null"/> for the application's base directory.</param>
    public ErrorTelemetryOptionsValidator(string? contentRoot = null)
    {
        _contentRoot = contentRoot;
    }

    public ValidateOptionsResult Validate(string? name, ErrorTelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ErrorCatalogFactory.Create(options, _contentRoot, out var errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
