using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Triage.Internal;

/// <summary>
/// Maps the triage endpoints, called by <c>app.UseErrorTelemetry()</c>: nothing at all unless an authorization
/// policy is configured, so an unconfigured service exposes no failure data (404).
/// </summary>
internal static class TriageEndpoints
{
    public const string CatalogSuffix = "/catalog";

    /// <summary>Set by the handlers on <see cref="HttpContext.Items"/>, so the access log can tell a served request from a refused one.</summary>
    internal const string ServedKey = "ErrorTelemetry.TriageServed";

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetService<IOptions<ErrorTelemetryTriageOptions>>()?.Value;
        if (options is null || !options.IsEnabled)
        {
            return;
        }

        var policy = options.AuthorizationPolicy!;
        EnsurePolicyExists(endpoints.ServiceProvider, policy);
        Protect(endpoints.MapGet(options.Path, ServeFailures), policy);
        Protect(endpoints.MapGet(options.Path + CatalogSuffix, ServeCatalog), policy);
    }

    private static void Protect(IEndpointConventionBuilder endpoint, string policy) =>
        endpoint
            .RequireAuthorization(policy)
            .ExcludeFromDescription()
            .WithDisplayName("ErrorTelemetry triage");

    private static Task ServeFailures(HttpContext context)
    {
        var snapshot = context.RequestServices.GetRequiredService<FailureBuffer>().Snapshot();
        return Write(context, snapshot, static (writer, s) => TriageJson.WriteFailures(writer, s));
    }

    private static Task ServeCatalog(HttpContext context)
    {
        var catalog = context.RequestServices.GetRequiredService<ErrorCatalog>();
        return Write(context, catalog, static (writer, c) => TriageJson.WriteCatalog(writer, c));
    }

    private static async Task Write<T>(HttpContext context, T state, Action<Utf8JsonWriter, T> write)
    {
        context.Items[ServedKey] = true;
        var response = context.Response;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        var writer = new Utf8JsonWriter(response.BodyWriter);
        await using (writer.ConfigureAwait(false))
        {
            write(writer, state);
        }

        await response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static void EnsurePolicyExists(IServiceProvider services, string policy)
    {
        var key = ErrorTelemetryTriageOptions.SectionName + ":AuthorizationPolicy";
        var provider = services.GetService<IAuthorizationPolicyProvider>()
            ?? throw new InvalidOperationException(
                $"{key} is '{policy}', but authorization is not set up. Register the policy with builder.Services.AddAuthorization(o => o.AddPolicy(\"{policy}\", p => ...)), or remove {key} to turn the triage endpoints off.");

        // Only the default provider can be asked without a request; a custom provider may create policies on demand.
        if (provider.GetType() == typeof(DefaultAuthorizationPolicyProvider)
            && services.GetService<IOptions<AuthorizationOptions>>()?.Value.GetPolicy(policy) is null)
        {
            throw new InvalidOperationException(
                $"{key} is '{policy}', but no authorization policy of that name is registered. Add it with builder.Services.AddAuthorization(o => o.AddPolicy(\"{policy}\", p => ...)), or correct the name.");
        }
    }
}
