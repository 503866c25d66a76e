using System.Diagnostics;
using ErrorTelemetry.Tests.TestSupport;

namespace ErrorTelemetry.Tests.Failures;

public class ExceptionCaptureListenerTests
{
    [Fact]
    public void UnrecordedSpan_OfAnotherProvidersSource_CountedOnlyByThatProvider()
    {
        using var first = new TelemetryPipeline();
        using var second = new TelemetryPipeline();
        var unsampledCaller = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);

        using (var activity = second.Source.StartActivity("GET /orders/{id}", ActivityKind.Server, unsampledCaller))
        {
            Assert.False(activity!.IsAllDataRequested);
            activity.SetTag("http.response.status_code", 503);
        }

        Assert.Equal(1, second.FailureCount());
        Assert.Equal(0, first.FailureCount());
    }
}
