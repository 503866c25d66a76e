namespace ErrorTelemetry.Hosting.Internal;

/// <summary>Builds the catalog from the options. Placeholder seam until catalog building lands in the core.</summary>
internal static class CatalogFactory
{
    public static ErrorCatalog Create(ErrorTelemetryOptions options) =>
        new([.. BuiltInErrors.All(), .. options.CodeDefinitions]);
}
