using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ErrorTelemetry.AspNetCore.Internal;

/// <summary>
/// Completes ASP.NET Core's own request span with what it leaves out: the route, the response status, the name
/// <c>{method} {route}</c>, and the error status of a 5xx. Runs once or twice per request, so it does not allocate
/// once an endpoint's name is cached.
/// </summary>
internal static class ServerSpan
{
    public const string HttpRoute = "http.route";
    public const string HttpResponseStatusCode = "http.response.status_code";

    private const int MinBoxedStatus = 100;
    private const int MaxBoxedStatus = 599;

    // Boxing an int status per request would allocate; a status is one of a few hundred values.
    private static readonly object[] StatusBoxes = CreateStatusBoxes();
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

        if (IsUnnamed(activity))
        {
            activity.DisplayName = NameOf(method, endpoint);
        }
    }

    /// <summary>Sets what is only known once the response is decided; called right before the span ends.</summary>
    public static void Complete(Activity? activity, string method, Endpoint? endpoint, int status)
    {
        if (activity is not { IsAllDataRequested: true })
        {
            return;
        }

        var route = RouteOf(endpoint);
        if (route is not null)
        {
            activity.SetTag(HttpRoute, route);
        }

        activity.SetTag(HttpResponseStatusCode, Box(status));
        if (IsUnnamed(activity))
        {
            activity.DisplayName = endpoint is null ? SpanMethod(method) : NameOf(method, endpoint);
        }

        if (status >= 500)
        {
            if (activity.GetTagItem(ErrorTelemetryAttributes.ErrorType) is null)
            {
                // Semantic conventions: without a better error type, a 5xx is its status code. Our span processor
                // replaces it with the catalog code.
                activity.SetTag(ErrorTelemetryAttributes.ErrorType, status.ToString(CultureInfo.InvariantCulture));
            }

            activity.SetStatus(ActivityStatusCode.Error);
        }
    }

    public static object Box(int status) =>
        status is >= MinBoxedStatus and <= MaxBoxedStatus ? StatusBoxes[status - MinBoxedStatus] : status;

    /// <summary>The span's name is still ASP.NET Core's operation name, i.e. neither we nor the application set one.</summary>
    private static bool IsUnnamed(Activity activity) =>
        string.Equals(activity.DisplayName, activity.OperationName, StringComparison.Ordinal);

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

    private static object[] CreateStatusBoxes()
    {
        var boxes = new object[MaxBoxedStatus - MinBoxedStatus + 1];
        for (var i = 0; i < boxes.Length; i++)
        {
            boxes[i] = MinBoxedStatus + i;
        }

        return boxes;
    }

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
