using System.Diagnostics;
using ErrorTelemetry.Catalog.Internal;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;

namespace ErrorTelemetry.Correlation.Internal;

/// <summary>
/// Makes the correlation id of each request (decided by <see cref="RequestCorrelation"/>) current for everything the
/// request does: baggage (so HttpClient and messages carry it on), a logging scope and the response header.
/// </summary>
internal sealed class CorrelationMiddleware
{
    private const string HeaderSourcePrefix = "header ";
    private const string BaggageSource = "baggage " + CorrelationIds.Key;

    private readonly RequestDelegate _next;
    private readonly RequestCorrelation _correlation;
    private readonly string _headerSource;
    private readonly ILogger _logger;
    private readonly FailureRecorder? _recorder;

    public CorrelationMiddleware(RequestDelegate next, RequestCorrelation correlation, ILoggerFactory loggerFactory, IServiceProvider services)
    {
        _next = next;
        _correlation = correlation;
        _headerSource = HeaderSourcePrefix + correlation.HeaderName;
        _logger = loggerFactory.CreateLogger(Log.CorrelationCategory);
        _recorder = services.GetService<FailureRecorder>();
    }

    // Async on purpose: ambient baggage set here must not outlive the request on a kept-alive connection.
    public async Task InvokeAsync(HttpContext context)
    {
        var activity = context.Features.Get<IHttpActivityFeature>()?.Activity ?? Activity.Current;

        // Usually taken when the server span started; decided here when nothing sampled the span in.
        var decision = _correlation.For(context, activity);
        var id = decision.Id;
        var previousBaggage = Baggage.Current;
        Baggage.Current = previousBaggage.SetBaggage(CorrelationIds.Key, id);
        context.Response.OnStarting(ResponseStamp.Callback, new ResponseStamp(context, _correlation.HeaderName, id, _recorder));
        try
        {
            using (_logger.BeginScope(new CorrelationScope(id)))
            {
                Report(decision.HeaderRejection, _headerSource);
                Report(decision.BaggageRejection, BaggageSource);
                await _next(context).ConfigureAwait(false);
            }
        }
        finally
        {
            Baggage.Current = previousBaggage;
        }
    }

    private void Report(CorrelationRejection rejection, string source)
    {
        if (rejection.Reason is not null)
        {
            Log.CorrelationIdReplaced(_logger, source, rejection.Reason, rejection.Length);
        }
    }

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
