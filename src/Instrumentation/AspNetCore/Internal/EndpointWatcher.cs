using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ErrorTelemetry.AspNetCore.Internal;

/// <summary>
/// Stands in for the endpoint feature while routing runs inside our middleware: routing sets the endpoint through
/// it, so the span is named the moment the endpoint is chosen (failures counted during the request then carry the
/// route), and the first endpoint is remembered after an exception handler clears it. Also keeps the span's name and
/// route as the request leaves the middleware, for the instrumentation's stop event to find (see
/// <see cref="ServerSpan.OnResponse"/>).
/// </summary>
/// <remarks>The one allocation the middleware makes per recorded request.</remarks>
internal sealed class EndpointWatcher : IEndpointFeature
{
    private readonly IEndpointFeature? _inner;
    private readonly Activity _activity;
    private readonly string _method;
    private Endpoint? _own;

    private EndpointWatcher(IEndpointFeature? inner, Activity activity, string method)
    {
        _inner = inner;
        _activity = activity;
        _method = method;
    }

    /// <summary>Gets the first endpoint routing chose, even after an exception handler reset it.</summary>
    public Endpoint? First { get; private set; }

    /// <summary>Gets the span's name as the request left the middleware.</summary>
    public string? LeavingName { get; private set; }

    /// <summary>Gets the route of the first endpoint as the request left the middleware.</summary>
    public string? LeavingRoute { get; private set; }

    public Endpoint? Endpoint
    {
        get => _inner is null ? _own : _inner.Endpoint;
        set
        {
            if (_inner is null)
            {
                _own = value;
            }
            else
            {
                _inner.Endpoint = value;
            }

            if (value is not null && First is null)
            {
                First = value;
                SuppressErrorTelemetryMetadata.Apply(_activity, value);
                ServerSpan.OnEndpoint(_activity, _method, value);
            }
        }
    }

    /// <summary>Whether this watcher was installed for <paramref name="activity"/>'s request.</summary>
    public bool Watches(Activity activity) => ReferenceEquals(_activity, activity);

    public void Leave(string name, string? route)
    {
        LeavingName = name;
        LeavingRoute = route;
    }

    public static EndpointWatcher Install(HttpContext context, Activity activity)
    {
        var watcher = new EndpointWatcher(context.Features.Get<IEndpointFeature>(), activity, context.Request.Method);
        context.Features.Set<IEndpointFeature>(watcher);
        return watcher;
    }
}
