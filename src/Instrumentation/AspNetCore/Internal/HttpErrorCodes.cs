using ErrorTelemetry.Catalog.Internal;

namespace ErrorTelemetry.AspNetCore.Internal;

/// <summary>
/// The definitions the ASP.NET Core integration answers with when no exception names one. The status → code table
/// itself is <see cref="HttpStatusErrors"/> in the catalog, the one table every signal uses; this only resolves it
/// through the catalog, so configuration overrides apply.
/// </summary>
internal static class HttpErrorCodes
{
    public static ErrorDefinition ValidationFailed(ErrorCatalog catalog) => catalog.Resolve(BuiltInErrors.ValidationFailed);

    public static ErrorDefinition MalformedJson(ErrorCatalog catalog) => catalog.Resolve(BuiltInErrors.ValidationMalformedJson);

    public static ErrorDefinition RequestCancelled(ErrorCatalog catalog) => catalog.Resolve(BuiltInErrors.RequestCancelled);

    /// <summary>The definition for a failed response status (400 and above) that no exception or explicit code explains.</summary>
    public static ErrorDefinition ForStatus(ErrorCatalog catalog, int status) =>
        HttpStatusErrors.ForStatus(catalog, status) ?? catalog.Resolve(BuiltInErrors.HttpServerError);
}
