using ErrorTelemetry.Catalog.Internal;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Configuration.Internal;

/// <summary>
/// Validates the options by building the catalog: every invalid, duplicate or conflicting entry, unreadable catalog
/// file, or mapping rule for an unknown code is reported, each naming the entry and the rule it broke. Registered with
/// <c>ValidateOnStart</c>, it stops the host at start. The catalog it built for valid options is kept, so the host
/// builds the catalog (and reads its file) once.
/// </summary>
internal sealed class ErrorTelemetryOptionsValidator : IValidateOptions<ErrorTelemetryOptions>
{
    private readonly string? _contentRoot;
    private Validated? _last;

    /// <param name="contentRoot">The directory a relative catalog file path is resolved against; <see langword="null"/> for the application's base directory.</param>
    public ErrorTelemetryOptionsValidator(string? contentRoot = null)
    {
        _contentRoot = contentRoot;
    }

    public ValidateOptionsResult Validate(string? name, ErrorTelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var catalog = ErrorCatalogFactory.Create(options, _contentRoot, out var errors);
        if (errors.Count > 0)
        {
            return ValidateOptionsResult.Fail(errors);
        }

        Volatile.Write(ref _last, new Validated(options, catalog));
        return ValidateOptionsResult.Success;
    }

    /// <summary>The catalog for <paramref name="options"/>: the one validation built, or built now (and validated) when validation has not seen these options.</summary>
    public ErrorCatalog CatalogFor(ErrorTelemetryOptions options)
    {
        var last = Volatile.Read(ref _last);
        return last is not null && ReferenceEquals(last.Options, options)
            ? last.Catalog
            : ErrorCatalogFactory.CreateOrThrow(options, _contentRoot);
    }

    private sealed record Validated(ErrorTelemetryOptions Options, ErrorCatalog Catalog);
}
