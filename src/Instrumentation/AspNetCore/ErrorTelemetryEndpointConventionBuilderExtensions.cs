using ErrorTelemetry.AspNetCore.Internal;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Per-endpoint ErrorTelemetry conventions, next to ASP.NET Core's own (<c>DisableHttpMetrics()</c>).</summary>
public static class ErrorTelemetryEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Leaves the endpoints out of ErrorTelemetry: their error statuses are answered as the endpoint wrote them (no
    /// problem details), their server span gets no error attributes, and no failure inside them is counted or listed
    /// by triage. An exception thrown by such an endpoint is still answered (as problem details, never the raw
    /// exception), so the caller always gets a response. Use it for endpoints whose error answers are not failures
    /// of the service, such as probes.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder's type.</typeparam>
    /// <param name="builder">The endpoint or group to suppress.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <remarks>Safe to call more than once. Throws only for a null builder.</remarks>
    public static TBuilder SuppressErrorTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(static endpoint => endpoint.Metadata.Add(SuppressErrorTelemetryMetadata.Instance));
        return builder;
    }
}
