using System.Diagnostics;
using System.Runtime.CompilerServices;
using ErrorTelemetry.Diagnostics;
using ErrorTelemetry.Hosting.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using OpenTelemetry.Instrumentation.AspNetCore;

namespace ErrorTelemetry.AspNetCore.Internal;

/// <summary>
/// Keeps the server span's name <c>{method} {route}</c> and its <c>http.route</c> on the endpoint that served the
/// request. <c>OpenTelemetry.Instrumentation.AspNetCore</c> completes the span (status code, route, Error status on
/// 5xx) but names it only at the edges: the bare method when the request starts, and <c>{method} {route}</c> of
/// whatever endpoint is current when it stops — after an exception handler re-executed <c>/error</c>, that one.
/// </summary>
internal static class ServerSpan
{
    public const string HttpRoute = "http.route";

    private const string NameProperty = "ErrorTelemetry.ServerSpanName";
    private const string RouteProperty = "ErrorTelemetry.ServerSpanRoute";

    private static readonly ConditionalWeakTable<Endpoint, NameCache> Names = new();

    public static string? RouteOf(Endpoint? endpoint) => (endpoint as RouteEndpoint)?.RoutePattern.RawText;

    /// <summary>
    /// Sets the route and names the span as soon as the endpoint is known, so failures counted during the request
    /// are counted under the route template (the failure metric reads <c>http.route</c>, never the span's name).
    /// </summary>
    public static void OnEndpoint(Activity? activity, string method, Endpoint endpoint)
    {
        if (activity is not { IsAllDataRequested: true })
        {
            return;
        }

        if (RouteOf(endpoint) is { } route)
        {
            activity.SetTag(HttpRoute, route);
        }

        if (IsUnnamed(activity, method))
        {
            activity.DisplayName = NameOf(method, endpoint);
        }
    }

    /// <summary>
    /// Remembers the name and route the span has when the request leaves our middleware: the instrumentation's stop
    /// event, which comes later, renames it, and <see cref="OnResponse"/> puts them back. Kept on the request's
    /// <paramref name="watcher"/> when there is one (custom properties would give every span a dictionary, which the
    /// span processors' own property lookups then pay for too).
    /// </summary>
    public static void OnLeave(Activity? activity, Endpoint? first, EndpointWatcher? watcher)
    {
        if (activity is not { IsAllDataRequested: true })
        {
            return;
        }

        var route = RouteOf(first);
        if (watcher is not null)
        {
            watcher.Leave(activity.DisplayName, route);
            return;
        }

        activity.SetCustomProperty(NameProperty, activity.DisplayName);
        if (route is not null)
        {
            activity.SetCustomProperty(RouteProperty, route);
        }
    }

    /// <summary>Composed into <see cref="AspNetCoreTraceInstrumentationOptions.EnrichWithHttpResponse"/>, ahead of the application's own delegate.</summary>
    public static void Compose(AspNetCoreTraceInstrumentationOptions options) =>
        options.EnrichWithHttpResponse = Enrichment.Compose<HttpResponse>(OnResponse, options.EnrichWithHttpResponse);

    /// <summary>Runs in the instrumentation's stop event, right after it renamed the span.</summary>
    public static void OnResponse(Activity activity, HttpResponse response)
    {
        try
        {
            string? name;
            string? route;
            if (response.HttpContext.Features.Get<IEndpointFeature>() is EndpointWatcher watcher && watcher.Watches(activity))
            {
                name = watcher.LeavingName;
                route = watcher.LeavingRoute;
            }
            else
            {
                name = activity.GetCustomProperty(NameProperty) as string;
                route = activity.GetCustomProperty(RouteProperty) as string;
            }

            if (name is not null)
            {
                activity.DisplayName = name;
            }

            // Usually the very string the instrumentation has just set (both read the endpoint's route pattern).
            if (route is not null && !ReferenceEquals(activity.GetTagItem(HttpRoute), route))
            {
                activity.SetTag(HttpRoute, route);
            }
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(ServerSpan), ex);
        }
    }

    /// <summary>
    /// Neither we nor the application named the span yet: it still has ASP.NET Core's operation name, or the bare
    /// method (<c>GET</c>, or <c>HTTP</c> for other methods) the instrumentation gives it when the request starts.
    /// </summary>
    private static bool IsUnnamed(Activity activity, string method)
    {
        var name = activity.DisplayName;
        return string.Equals(name, activity.OperationName, StringComparison.Ordinal)
            || string.Equals(name, SpanMethod(method), StringComparison.Ordinal);
    }

    private static string NameOf(string method, Endpoint endpoint)
    {
        var cache = Names.GetValue(endpoint, static e => new NameCache(RouteOf(e)));
        return cache.NameFor(SpanMethod(method));
    }

    /// <summary>Semantic conventions: a known method as is, anything else as <c>HTTP</c>, so clients cannot mint span names.</summary>
    private static string SpanMethod(string method) => method switch
    {
        "GET" => HttpMethods.Get,
        "POST" => HttpMethods.Post,
        "PUT" => HttpMethods.Put,
        "DELETE" => HttpMethods.Delete,
        "PATCH" => HttpMethods.Patch,
        "HEAD" => HttpMethods.Head,
        "OPTIONS" => HttpMethods.Options,
        "TRACE" => HttpMethods.Trace,
        "CONNECT" => HttpMethods.Connect,
        _ => "HTTP",
    };

    /// <summary>The span names of one endpoint; nearly every endpoint serves one method, so one entry is kept.</summary>
    private sealed class NameCache
    {
        private readonly string? _route;
        private Entry? _last;

        public NameCache(string? route)
        {
            _route = route;
        }

        public string NameFor(string method)
        {
            var last = Volatile.Read(ref _last);
            if (last is not null && ReferenceEquals(last.Method, method))
            {
                return last.Name;
            }

            var entry = new Entry(method, _route is null ? method : method + " " + _route);
            Volatile.Write(ref _last, entry);
            return entry.Name;
        }

        private sealed record Entry(string Method, string Name);
    }
}
