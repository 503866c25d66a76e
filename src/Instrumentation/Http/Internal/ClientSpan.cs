using System.Diagnostics;
using ErrorTelemetry.Diagnostics;
using ErrorTelemetry.Hosting.Internal;
using OpenTelemetry.Instrumentation.Http;

namespace ErrorTelemetry.Http.Internal;

/// <summary>
/// Puts a downstream's error code (its <c>X-Error-Code</c> response header) on the HttpClient span as
/// <c>error.cause.code</c>, through <c>OpenTelemetry.Instrumentation.Http</c>'s response enrichment: it runs in
/// .NET's stop event with the response, right before the span ends. The body's <c>code</c> cannot be read there
/// (the span ends before the application reads the body); <see cref="CorrelationHttpHandler"/> reads it for the
/// application's exception instead.
/// </summary>
internal static class ClientSpan
{
    /// <summary>Composed into <see cref="HttpClientTraceInstrumentationOptions.EnrichWithHttpResponseMessage"/>, ahead of the application's own delegate.</summary>
    public static void Compose(HttpClientTraceInstrumentationOptions options) =>
        options.EnrichWithHttpResponseMessage = Enrichment.Compose<HttpResponseMessage>(OnResponse, options.EnrichWithHttpResponseMessage);

    public static void OnResponse(Activity activity, HttpResponseMessage response)
    {
        try
        {
            if ((int)response.StatusCode >= 400 && ProblemCode.FromHeader(response) is { } code)
            {
                activity.SetTag(ErrorTelemetryAttributes.CauseCode, code);
            }
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(ClientSpan), ex);
        }
    }
}
