using System.Diagnostics;
using System.Reflection;
using ErrorTelemetry.Diagnostics;

namespace ErrorTelemetry.Http.Internal;

/// <summary>
/// Puts a downstream's error code (its <c>X-Error-Code</c> response header) on .NET's HttpClient span as
/// <c>error.cause.code</c>. It listens to the HttpClient diagnostic listener's stop event, which .NET raises with the
/// response right before it ends the span; nothing later can still change the span.
/// </summary>
/// <remarks>Subscribes only to the stop event, so it never makes .NET create a span it would not create anyway.</remarks>
internal sealed class ClientSpanEnricher : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    private const string ListenerName = "HttpHandlerDiagnosticListener";
    private const string StopEvent = "System.Net.Http.HttpRequestOut.Stop";
    private const string ClientActivityName = "System.Net.Http.HttpRequestOut";

    private static readonly Func<string, object?, object?, bool> OnlyStop = static (name, _, _) => name == StopEvent;

    private readonly Lock _gate = new();
    private readonly List<IDisposable> _subscriptions = [];
    private Accessor? _accessor;

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == ListenerName)
        {
            var subscription = value.Subscribe(this, OnlyStop);
            lock (_gate)
            {
                _subscriptions.Add(subscription);
            }
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        try
        {
            if (value.Key != StopEvent || Activity.Current is not { OperationName: ClientActivityName } activity
                || ResponseOf(value.Value) is not { } response || (int)response.StatusCode < 400)
            {
                return;
            }

            if (ProblemCode.FromHeader(response) is { } code)
            {
                activity.SetTag(ErrorTelemetryAttributes.CauseCode, code);
            }
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(ClientSpanEnricher), ex);
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Unsubscribe()
    {
        lock (_gate)
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.Dispose();
            }

            _subscriptions.Clear();
        }
    }

    private HttpResponseMessage? ResponseOf(object? payload)
    {
        if (payload is null)
        {
            return null;
        }

        // The payload type is internal to System.Net.Http; its public Response property is kept for diagnostics.
        var type = payload.GetType();
        var accessor = Volatile.Read(ref _accessor);
        if (accessor is null || accessor.Type != type)
        {
            accessor = new Accessor(type, type.GetProperty("Response", BindingFlags.Public | BindingFlags.Instance));
            Volatile.Write(ref _accessor, accessor);
        }

        return accessor.Response?.GetValue(payload) as HttpResponseMessage;
    }

    private sealed record Accessor(Type Type, PropertyInfo? Response);
}
