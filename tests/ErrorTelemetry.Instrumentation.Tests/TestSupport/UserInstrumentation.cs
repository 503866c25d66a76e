using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Tests.TestSupport;

/// <summary>Where an application adds the official ASP.NET Core and HttpClient instrumentations itself.</summary>
public enum UserInstrumentation
{
    /// <summary>Only <c>AddErrorTelemetry()</c>.</summary>
    None,

    /// <summary><c>AddOpenTelemetry().WithTracing(t => t.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation())</c> before <c>AddErrorTelemetry()</c>.</summary>
    Before,

    /// <summary>The same, after <c>AddErrorTelemetry()</c>.</summary>
    After,

    /// <summary>Before, with the application's own options: enrich callbacks, a filter, recorded exceptions.</summary>
    BeforeWithCallbacks,

    /// <summary>After, with the application's own options.</summary>
    AfterWithCallbacks,
}

/// <summary>The application's own instrumentation calls, as the setups in <see cref="UserInstrumentation"/> make them.</summary>
internal static class UserInstrumentationSetups
{
    /// <summary>Server span tag the application's <c>EnrichWithHttpRequest</c> sets.</summary>
    public const string RequestTag = "app.enriched.request";

    /// <summary>Server span tag the application's <c>EnrichWithHttpResponse</c> sets.</summary>
    public const string ResponseTag = "app.enriched.response";

    /// <summary>Client span tag the application's <c>EnrichWithHttpResponseMessage</c> sets.</summary>
    public const string ClientResponseTag = "app.enriched.client_response";

    /// <summary>A path the application's filter keeps out of tracing.</summary>
    public const string FilteredPath = "/filtered";

    public static TheoryData<UserInstrumentation> All => new(Enum.GetValues<UserInstrumentation>());

    public static bool HasCallbacks(UserInstrumentation setup) =>
        setup is UserInstrumentation.BeforeWithCallbacks or UserInstrumentation.AfterWithCallbacks;

    /// <summary>The application's calls to run before <c>AddErrorTelemetry()</c>, if this setup has any there.</summary>
    public static Action<WebApplicationBuilder>? Before(UserInstrumentation setup) =>
        setup is UserInstrumentation.Before or UserInstrumentation.BeforeWithCallbacks ? b => Add(b.Services, HasCallbacks(setup)) : null;

    /// <summary>The application's calls to run after <c>AddErrorTelemetry()</c>, if this setup has any there.</summary>
    public static Action<WebApplicationBuilder>? After(UserInstrumentation setup) =>
        setup is UserInstrumentation.After or UserInstrumentation.AfterWithCallbacks ? b => Add(b.Services, HasCallbacks(setup)) : null;

    private static void Add(IServiceCollection services, bool callbacks) =>
        services.AddOpenTelemetry().WithTracing(t =>
        {
            if (!callbacks)
            {
                t.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                return;
            }

            t.AddAspNetCoreInstrumentation(o =>
            {
                o.RecordException = true;
                o.Filter = context => !context.Request.Path.StartsWithSegments(FilteredPath, StringComparison.Ordinal);
                o.EnrichWithHttpRequest = (activity, _) => activity.SetTag(RequestTag, true);
                o.EnrichWithHttpResponse = (activity, response) => activity.SetTag(ResponseTag, response.StatusCode);
            })
            .AddHttpClientInstrumentation(o =>
            {
                o.RecordException = true;
                o.EnrichWithHttpResponseMessage = (activity, response) => activity.SetTag(ClientResponseTag, (int)response.StatusCode);
            });
        });
}
