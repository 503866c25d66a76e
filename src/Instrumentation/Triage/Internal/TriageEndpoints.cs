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
        var links = context.RequestServices.GetRequiredService<TriageLinks>().Template;
        context.Response.Headers.Vary = "Accept";
        return PrefersHtml(context.Request)
            ? WritePage(context, TriagePage.Render(snapshot, context.Request.Query, links))
            : Write(context, (snapshot, links), static (writer, s) => TriageJson.WriteFailures(writer, s.snapshot, s.links));
    }

    /// <summary>A browser (text/html ranked above JSON) gets the page; everything else, including no Accept header, gets JSON.</summary>
    internal static bool PrefersHtml(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        double html = 0, json = 0;
        foreach (var media in accept)
        {
            var quality = media.Quality ?? 1;
            if (media.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase) || media.MediaType.Equals("application/xhtml+xml", StringComparison.OrdinalIgnoreCase))
            {
                html = Math.Max(html, quality);
            }
            else if (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.MediaType.Equals("*/*", StringComparison.Ordinal))
            {
                json = Math.Max(json, quality);
            }
        }

        return html > json;
    }

    private static Task WritePage(HttpContext context, string html)
    {
        context.Items[ServedKey] = true;
        var response = context.Response;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = TriagePage.ContentSecurityPolicy;
        response.Headers["Referrer-Policy"] = "no-referrer";
        return response.WriteAsync(html, context.RequestAborted);
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
