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
/// request does: baggage (so HttpClient and messages carry it on), a logging scope and the response header. Run
/// first by the ErrorTelemetry middleware, which wraps the whole request pipeline (one middleware, not two: each
/// async step costs every request a state machine), so the problem body, the span and every log record of the
/// request see the id, and the answers of the host's implicit middleware (a 401 or 403) carry it too.
/// </summary>
internal sealed class CorrelationStep
{
    private const string HeaderSourcePrefix = "header ";
    private const string BaggageSource = "baggage " + CorrelationIds.Key;

    private readonly RequestCorrelation _correlation;
    private readonly string _headerSource;
    private readonly ILogger _logger;
    private readonly FailureRecorder? _recorder;
    private readonly Func<object, Task> _stamp;

    public CorrelationStep(RequestCorrelation correlation, ILoggerFactory loggerFactory, IServiceProvider services)
    {
        _correlation = correlation;
        _headerSource = HeaderSourcePrefix + correlation.HeaderName;
        _logger = loggerFactory.CreateLogger(Log.CorrelationCategory);
        _recorder = services.GetService<FailureRecorder>();
        _stamp = state =>
        {
            Stamp((CorrelationDecision)state);
            return Task.CompletedTask;
        };
    }

    /// <summary>
    /// Makes the request's id current until the returned scope is disposed, which the caller does when the request
    /// leaves it (ambient baggage set here must not outlive the request on a kept-alive connection).
    /// </summary>
    public Scope Enter(HttpContext context, Activity? activity)
    {
        // Usually taken when the server span started; decided here when nothing sampled the span in.
        var decision = _correlation.For(context, activity ?? Activity.Current);
        var id = decision.Id;
        var previousBaggage = Baggage.Current;
        Baggage.Current = previousBaggage.SetBaggage(CorrelationIds.Key, id);
        IDisposable? logScope = null;
        try
        {
            context.Response.OnStarting(_stamp, decision);
            logScope = _logger.BeginScope(new CorrelationScope(id));
            Report(decision.HeaderRejection, _headerSource);
            Report(decision.BaggageRejection, BaggageSource);
            return new Scope(previousBaggage, logScope);
        }
        catch
        {
            logScope?.Dispose();
            Baggage.Current = previousBaggage;
            throw;
        }
    }

    private void Report(CorrelationRejection rejection, string source)
    {
        if (rejection.Reason is not null)
        {
            Log.CorrelationIdReplaced(_logger, source, rejection.Reason, rejection.Length);
        }
    }

    /// <summary>Ends the request's logging scope and restores the ambient baggage the request started with.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly Baggage _previousBaggage;
        private readonly IDisposable? _logScope;

        public Scope(Baggage previousBaggage, IDisposable? logScope)
        {
            _previousBaggage = previousBaggage;
            _logScope = logScope;
        }

        public void Dispose()
        {
            try
            {
                _logScope?.Dispose();
            }
            finally
            {
                Baggage.Current = _previousBaggage;
            }
        }
    }

    /// <summary>Writes the correlation id (and, on error responses, the error code) when the response starts.</summary>
    private void Stamp(CorrelationDecision decision)
    {
        try
        {
            // Written at start rather than up front: error handlers clear the response headers before they answer.
            var response = decision.Context.Response;
            response.Headers[_correlation.HeaderName] = decision.Id;
            if (response.StatusCode >= 400 && !response.Headers.ContainsKey(CorrelationKeys.ErrorCodeHeader)
                && ErrorCode(decision.Context) is { } code && ErrorCodeRule.Check(code) is null)
            {
                response.Headers[CorrelationKeys.ErrorCodeHeader] = code;
            }
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(CorrelationStep), ex);
        }
    }

    private string? ErrorCode(HttpContext context)
    {
        var activity = context.Features.Get<IHttpActivityFeature>()?.Activity;
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
