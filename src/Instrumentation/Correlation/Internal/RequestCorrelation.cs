using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace ErrorTelemetry.Correlation.Internal;

/// <summary>
/// Decides the correlation id of a request once: a well-formed incoming header, else a well-formed incoming baggage
/// entry, else a new id. Decided as soon as the server span starts (so ASP.NET Core's own "Request starting" record,
/// written before any middleware runs, carries it), or by the middleware when the span was not sampled in.
/// </summary>
internal sealed class RequestCorrelation
{
    // An object, not a string: Items finds an object key by reference, where it hashes a string key character by
    // character (this key is looked up twice and written once per request).
    private static readonly object DecisionItem = new DecisionKey();

    private readonly string _headerName;
    private readonly DistributedContextPropagator _propagator;

    public RequestCorrelation(IOptions<CorrelationOptions> options, IServiceProvider services)
    {
        _headerName = options.Value.HeaderName;
        _propagator = services.GetService<DistributedContextPropagator>() ?? DistributedContextPropagator.Current;
    }

    public string HeaderName => _headerName;

    /// <summary>The request's decision: the one already taken, or a new one, which also goes on the server span.</summary>
    public CorrelationDecision For(HttpContext context, Activity? activity)
    {
        // Another host in the same process sees this request's server span too (the source and the official
        // instrumentation's listener are process-wide): only a decision taken under this host's settings counts.
        if (context.Items.TryGetValue(DecisionItem, out var known) && known is CorrelationDecision decision && ReferenceEquals(decision.Owner, this))
        {
            return decision;
        }

        var headerRejection = default(CorrelationRejection);
        var baggageRejection = default(CorrelationRejection);
        var id = FromHeader(context.Request.Headers, ref headerRejection)
            ?? FromBaggage(context.Request.Headers, activity, ref baggageRejection)
            ?? CorrelationIds.New();
        decision = new CorrelationDecision(this, context, id, headerRejection, baggageRejection);
        context.Items[DecisionItem] = decision;
        context.Items[CorrelationKeys.CorrelationIdItem] = id;
        if (activity is not null)
        {
            // Replaces whatever the hosting layer extracted from the incoming baggage, hostile values included.
            activity.SetBaggage(CorrelationIds.Key, id);
            activity.SetTag(CorrelationIds.Key, id);
        }

        return decision;
    }

    private string? FromHeader(IHeaderDictionary headers, ref CorrelationRejection rejection)
    {
        if (!headers.TryGetValue(_headerName, out var values) || values.Count == 0)
        {
            return null;
        }

        if (values.Count > 1)
        {
            rejection = new(CorrelationIds.MultipleValues, TotalLength(values));
            return null;
        }

        var value = values[0];
        var reason = CorrelationIds.Check(value);
        if (reason is null)
        {
            return value;
        }

        rejection = new(reason, value?.Length ?? 0);
        return null;
    }

    private string? FromBaggage(IHeaderDictionary headers, Activity? activity, ref CorrelationRejection rejection)
    {
        // The hosting layer has already extracted incoming baggage into the server span; without one, extract it here.
        var value = activity?.GetBaggageItem(CorrelationIds.Key) ?? ExtractBaggage(headers);
        if (value is null)
        {
            return null;
        }

        var reason = CorrelationIds.Check(value);
        if (reason is null)
        {
            return value;
        }

        rejection = new(reason, value.Length);
        return null;
    }

    private string? ExtractBaggage(IHeaderDictionary headers)
    {
        var baggage = _propagator.ExtractBaggage(headers, static (object? carrier, string fieldName, out string? fieldValue, out IEnumerable<string>? fieldValues) =>
        {
            fieldValues = null;
            fieldValue = carrier is IHeaderDictionary h && h.TryGetValue(fieldName, out var v) ? v.ToString() : null;
        });
        if (baggage is null)
        {
            return null;
        }

        foreach (var item in baggage)
        {
            if (item.Key == CorrelationIds.Key)
            {
                return item.Value;
            }
        }

        return null;
    }

    private static int TotalLength(StringValues values)
    {
        var total = 0;
        foreach (var value in values)
        {
            total += value?.Length ?? 0;
        }

        return total;
    }

    private sealed class DecisionKey
    {
        public override string ToString() => "ErrorTelemetry.CorrelationDecision";
    }
}

/// <summary>
/// A request's correlation id and why incoming values were refused (reported by the middleware, inside the request's
/// scope). Also the state of the request's response-start callback, which writes the id into the response header, so
/// a request allocates one object for both.
/// </summary>
internal sealed record CorrelationDecision(RequestCorrelation Owner, HttpContext Context, string Id, CorrelationRejection HeaderRejection, CorrelationRejection BaggageRejection);

/// <summary>Why an incoming correlation id was refused, and its length; never the value.</summary>
internal readonly record struct CorrelationRejection(string? Reason, int Length);
