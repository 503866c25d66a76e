using System.Diagnostics;
using ErrorTelemetry.Diagnostics;
using ErrorTelemetry.Correlation.Internal;
using OpenTelemetry;

namespace ErrorTelemetry.Http.Internal;

/// <summary>
/// In every <c>HttpClient</c> made by <c>IHttpClientFactory</c>: sends the correlation id (header and baggage, next
/// to the W3C trace context .NET itself sends), and remembers what a failed downstream answered so the failure the
/// application raises from it carries the downstream code as its cause.
/// </summary>
/// <remarks>
/// Runs outside .NET's own client span: that span has ended by the time this handler sees the response, which is
/// why the client span gets the downstream code from the <c>X-Error-Code</c> header instead (see
/// <see cref="ClientSpan"/>). Never throws into the application except for the request's own cancellation.
/// </remarks>
internal sealed class CorrelationHttpHandler : DelegatingHandler
{
    private const string BaggageHeader = "baggage";

    private readonly string _headerName;

    public CorrelationHttpHandler(string headerName)
    {
        _headerName = headerName;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Stamp(request);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode >= 400)
        {
            try
            {
                var code = ProblemCode.FromHeader(response)
                    ?? (ProblemCode.IsProblem(response) ? await ProblemCode.FromBodyAsync(response, cancellationToken).ConfigureAwait(false) : null);
                Remember(response, code);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(CorrelationHttpHandler), ex);
            }
        }

        return response;
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Unlike the async path, a synchronous call does not restore the ambient baggage Stamp may set.
        var previousBaggage = Baggage.Current;
        HttpResponseMessage response;
        try
        {
            Stamp(request);
            response = base.Send(request, cancellationToken);
        }
        finally
        {
            Baggage.Current = previousBaggage;
        }

        if ((int)response.StatusCode >= 400)
        {
            // Synchronous callers get the header's code only: reading the body here would block on the network.
            Remember(response, ProblemCode.FromHeader(response));
        }

        return response;
    }

    private void Stamp(HttpRequestMessage request)
    {
        try
        {
            var activity = Activity.Current;
            var id = CorrelationIds.Current(activity);
            if (id is null)
            {
                return;
            }

            if (!request.Headers.Contains(_headerName))
            {
                request.Headers.TryAddWithoutValidation(_headerName, id);
            }

            if (activity is not null)
            {
                // .NET's own propagator sends the span's baggage: an id that is only ambient joins it here.
                if (activity.GetBaggageItem(CorrelationIds.Key) != id)
                {
                    activity.SetBaggage(CorrelationIds.Key, id);
                }

                // OpenTelemetry.Instrumentation.Http writes the baggage header from OpenTelemetry's ambient baggage
                // instead, whenever that has any item, and .NET then leaves the header alone: the span's baggage is
                // dropped. An id that is only on the span joins the ambient baggage for this call (an async call
                // restores it on return; Send restores it itself).
                if (Baggage.GetBaggage(CorrelationIds.Key) != id)
                {
                    Baggage.SetBaggage(CorrelationIds.Key, id);
                }
            }
            else if (!request.Headers.Contains(BaggageHeader))
            {
                request.Headers.TryAddWithoutValidation(BaggageHeader, CorrelationIds.Key + "=" + Uri.EscapeDataString(id));
            }
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(CorrelationHttpHandler), ex);
        }
    }

    private static void Remember(HttpResponseMessage response, string? code)
    {
        // Every failed response is remembered, coded or not, so a stale code never explains a later failure.
        if (Activity.Current is { } activity)
        {
            DownstreamCause.GetOrCreate(activity).Record((int)response.StatusCode, code);
        }
    }
}
