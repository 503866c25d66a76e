using System.Diagnostics;
using ErrorTelemetry.Catalog.Internal;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using OpenTelemetry;

namespace ErrorTelemetry.Correlation.Internal;

/// <summary>
/// Decides the correlation id of each request (a well-formed incoming header, else a well-formed incoming baggage
/// entry, else a new id) and makes it current for everything the request does: baggage (so HttpClient and messages
/// carry it on), the server span, a logging scope, <c>HttpContext.Items</c> and the response header.
/// </summary>
internal sealed class CorrelationMiddleware
{
    private const string HeaderSourcePrefix = "header ";
    private const string BaggageSource = "baggage " + CorrelationIds.Key;

    private readonly RequestDelegate _next;
    private readonly string _headerName;
    private readonly string _headerSource;
    private readonly ILogger _logger;
    private readonly DistributedContextPropagator _propagator;
    private readonly FailureRecorder? _recorder;

    public CorrelationMiddleware(RequestDelegate next, IOptions<CorrelationOptions> options, ILoggerFactory loggerFactory, IServiceProvider services)
    {
        _next = next;
        _headerName = options.Value.HeaderName;
        _headerSource = HeaderSourcePrefix + _headerName;
        _logger = loggerFactory.CreateLogger(Log.CorrelationCategory);
        _propagator = services.GetService<DistributedContextPropagator>() ?? DistributedContextPropagator.Current;
        _recorder = services.GetService<FailureRecorder>();
    }

    // Async on purpose: ambient baggage set here must not outlive the request on a kept-alive connection.
    public async Task InvokeAsync(HttpContext context)
    {
        var activity = context.Features.Get<IHttpActivityFeature>()?.Activity ?? Activity.Current;
        var headerRejection = default(Rejection);
        var baggageRejection = default(Rejection);
        var id = FromHeader(context.Request.Headers, ref headerRejection)
            ?? FromBaggage(context.Request.Headers, activity, ref baggageRejection)
            ?? CorrelationIds.New();

        context.Items[CorrelationKeys.CorrelationIdItem] = id;
        if (activity is not null)
        {
            // Replaces whatever the hosting layer extracted from the incoming baggage, hostile values included.
            activity.SetBaggage(CorrelationIds.Key, id);
            activity.SetTag(CorrelationIds.Key, id);
        }

        var previousBaggage = Baggage.Current;
        Baggage.Current = previousBaggage.SetBaggage(CorrelationIds.Key, id);
        context.Response.OnStarting(ResponseStamp.Callback, new ResponseStamp(context, _headerName, id, _recorder));
        try
        {
            using (_logger.BeginScope(new CorrelationScope(id)))
            {
                Report(headerRejection, _headerSource);
                Report(baggageRejection, BaggageSource);
                await _next(context).ConfigureAwait(false);
            }
        }
        finally
        {
            Baggage.Current = previousBaggage;
        }
    }

    private string? FromHeader(IHeaderDictionary headers, ref Rejection rejection)
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

    private string? FromBaggage(IHeaderDictionary headers, Activity? activity, ref Rejection rejection)
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

    private void Report(Rejection rejection, string source)
    {
        if (rejection.Reason is not null)
        {
            Log.CorrelationIdReplaced(_logger, source, rejection.Reason, rejection.Length);
        }
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

    private readonly record struct Rejection(string? Reason, int Length);

    /// <summary>Writes the correlation id (and, on error responses, the error code) when the response starts.</summary>
    private sealed class ResponseStamp
    {
        public static readonly Func<object, Task> Callback = static state =>
        {
            ((ResponseStamp)state).Apply();
            return Task.CompletedTask;
        };

        private readonly HttpContext _context;
        private readonly string _headerName;
        private readonly string _correlationId;
        private readonly FailureRecorder? _recorder;

        public ResponseStamp(HttpContext context, string headerName, string correlationId, FailureRecorder? recorder)
        {
            _context = context;
            _headerName = headerName;
            _correlationId = correlationId;
            _recorder = recorder;
        }

        private void Apply()
        {
            try
            {
                // Written at start rather than up front: error handlers clear the response headers before they answer.
                var response = _context.Response;
                response.Headers[_headerName] = _correlationId;
                if (response.StatusCode >= 400 && !response.Headers.ContainsKey(CorrelationKeys.ErrorCodeHeader)
                    && ErrorCode() is { } code && ErrorCodeRule.Check(code) is null)
                {
                    response.Headers[CorrelationKeys.ErrorCodeHeader] = code;
                }
            }
            catch (Exception ex)
            {
                ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(CorrelationMiddleware), ex);
            }
        }

        private string? ErrorCode()
        {
            var activity = _context.Features.Get<IHttpActivityFeature>()?.Activity;
            if (activity is null)
            {
                return null;
            }

            if (FailureState.GetExplicit(activity) is { } definition)
            {
                return definition.Code;
            }

            if (activity.GetTagItem(ErrorTelemetryAttributes.Code) is string tagged)
            {
                return tagged;
            }

            // Classified once and cached on the exception, so the span and the problem body agree with this header.
            if (FailureState.GetException(activity) is { } exception && _recorder is not null)
            {
                return _recorder.ForException(exception).Definition.Code;
            }

            return FailureState.Of(activity)?.Definition.Code;
        }
    }
}
