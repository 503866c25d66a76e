using System.Diagnostics;
using ErrorTelemetry.Correlation.Internal;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace ErrorTelemetry;

/// <summary>
/// Carries the trace context (W3C <c>traceparent</c>/<c>tracestate</c>), baggage and correlation id of the current
/// operation through a message's headers, so that the consumer continues the producer's trace and keeps its
/// correlation id.
/// </summary>
/// <remarks>
/// Uses OpenTelemetry's default propagator (<c>Propagators.DefaultTextMapPropagator</c>, W3C trace context and
/// baggage once the SDK is configured; W3C before that). Thread-safe. Throws only for null arguments.
/// </remarks>
/// <example>
/// <code>
/// // Producer
/// var headers = new Dictionary&lt;string, string&gt;();
/// MessageContext.Inject(headers);
///
/// // Consumer
/// using var scope = MessageContext.Extract(message.Headers, Source, "orders process");
/// logger.LogInformation("Processing order {OrderId}", id); // same trace, same correlation.id
/// </code>
/// </example>
public static class MessageContext
{
    private static string _correlationIdHeader = CorrelationIds.DefaultHeaderName;

    /// <summary>
    /// Gets the message header that carries the correlation id, besides the <c>correlation.id</c> baggage entry: the
    /// HTTP header name the host configured (<c>ErrorTelemetry:Correlation:HeaderName</c>), so messages and requests
    /// carry the id under the same name.
    /// </summary>
    /// <value>The default is <c>X-Correlation-ID</c>; a host built with <c>AddErrorTelemetry()</c> sets its configured name while it runs.</value>
    public static string CorrelationIdHeader => Volatile.Read(ref _correlationIdHeader);

    private static readonly TextMapPropagator W3C = new CompositeTextMapPropagator([new TraceContextPropagator(), new BaggagePropagator()]);

    /// <summary>
    /// Writes the current span's trace context, the current baggage (the span's and OpenTelemetry's) and the
    /// correlation id into <paramref name="headers"/>, replacing entries of the same names.
    /// </summary>
    /// <param name="headers">The message's headers.</param>
    /// <exception cref="ArgumentNullException"><paramref name="headers"/> is null.</exception>
    public static void Inject(IDictionary<string, string> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var activity = Activity.Current;
        var correlationId = CorrelationIds.Current(activity);
        var header = CorrelationIdHeader;

        var items = new Dictionary<string, string>(StringComparer.Ordinal);
        if (activity is not null)
        {
            // The nearest span's entry wins, as it does for HttpClient's own propagation.
            foreach (var item in activity.Baggage)
            {
                if (item.Value is not null)
                {
                    items.TryAdd(item.Key, item.Value);
                }
            }
        }

        foreach (var item in Baggage.Current)
        {
            items.TryAdd(item.Key, item.Value);
        }

        items.Remove(CorrelationIds.Key);
        if (correlationId is not null)
        {
            items[CorrelationIds.Key] = correlationId;
            headers[header] = correlationId;
        }
        else
        {
            headers.Remove(header);
        }

        var context = new PropagationContext(activity?.Context ?? default, Baggage.Create(items));
        Propagator().Inject(context, headers, static (carrier, key, value) => carrier[key] = value);
    }

    /// <summary>
    /// Restores the context a producer injected: starts a span that continues the producer's trace, with the
    /// producer's baggage, and makes the correlation id current (baggage <c>correlation.id</c>, a span attribute, and
    /// so every log record written inside the scope). A missing or malformed correlation id is replaced by a new one.
    /// </summary>
    /// <param name="headers">The message's headers.</param>
    /// <param name="source">The source to start the span from.</param>
    /// <param name="operationName">The span name, e.g. <c>orders process</c>.</param>
    /// <param name="kind">The span kind.</param>
    /// <returns>A scope to dispose when the message is handled: it ends the span and restores the previous baggage.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="headers"/> or <paramref name="source"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="operationName"/> is null or white space.</exception>
    public static MessageScope Extract(IDictionary<string, string> headers, ActivitySource source, string operationName, ActivityKind kind = ActivityKind.Consumer)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(operationName);

        var context = Propagator().Extract(default, headers, Get);
        var correlationId = Lookup(headers, CorrelationIdHeader) is { } header && CorrelationIds.IsValid(header)
            ? header
            : context.Baggage.GetBaggage(CorrelationIds.Key) is { } fromBaggage && CorrelationIds.IsValid(fromBaggage)
                ? fromBaggage
                : CorrelationIds.New();
        var baggage = context.Baggage.SetBaggage(CorrelationIds.Key, correlationId);

        var previous = Baggage.Current;
        Baggage.Current = baggage;

        // Created, not started: the baggage must be in place before processors see the span start.
        var activity = source.CreateActivity(operationName, kind, context.ActivityContext);
        if (activity is not null)
        {
            foreach (var item in baggage)
            {
                activity.SetBaggage(item.Key, item.Value);
            }

            activity.SetTag(CorrelationIds.Key, correlationId);
            activity.Start();
        }

        return new MessageScope(activity, correlationId, previous);
    }

    /// <summary>Makes <paramref name="headerName"/> the correlation header of every message from now on.</summary>
    internal static void UseCorrelationIdHeader(string headerName) => Volatile.Write(ref _correlationIdHeader, headerName);

    /// <summary>Returns to the default header, unless another host has set a name of its own since.</summary>
    internal static void ResetCorrelationIdHeader(string headerName) =>
        Interlocked.CompareExchange(ref _correlationIdHeader, CorrelationIds.DefaultHeaderName, headerName);

    private static TextMapPropagator Propagator()
    {
        // Until an SDK provider is built the default is a no-op with no fields; W3C keeps the helpers useful then.
        var configured = Propagators.DefaultTextMapPropagator;
        return configured.Fields is { Count: > 0 } ? configured : W3C;
    }

    private static IEnumerable<string>? Get(IDictionary<string, string> headers, string key) =>
        Lookup(headers, key) is { } value ? [value] : null;

    private static string? Lookup(IDictionary<string, string> headers, string key)
    {
        if (headers.TryGetValue(key, out var value))
        {
            return value;
        }

        // Brokers and clients disagree on header case; the dictionaries are small.
        foreach (var header in headers)
        {
            if (string.Equals(header.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }
}
