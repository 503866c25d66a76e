using System.Diagnostics;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Tests.TestSupport;
using OpenTelemetry;
using OpenTelemetry.Trace;

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

    [Fact]
    public void OwnsSource_ItsProvidersAndOtherSourcesInTurn_EachAnsweredForItself()
    {
        // The last source's answer is remembered: it must never carry over to another source.
        using var ours = new ActivitySource("ErrorTelemetry.Tests.Capture." + Guid.NewGuid().ToString("N"));
        using var theirs = new ActivitySource("ErrorTelemetry.Tests.Capture." + Guid.NewGuid().ToString("N"));
        using var provider = Sdk.CreateTracerProviderBuilder().AddSource(ours.Name).Build();
        using var listener = new ExceptionCaptureListener(provider: () => provider);

        bool[] answers = [listener.OwnsSource(ours), listener.OwnsSource(theirs), listener.OwnsSource(ours), listener.OwnsSource(ours), listener.OwnsSource(theirs)];

        Assert.Equal([true, false, true, true, false], answers);
    }

    [Fact]
    public void TryAttach_AfterARecordedSpan_ExceptionsAndUnrecordedFailuresStillSeen()
    {
        using var p = new TelemetryPipeline();
        p.Source.StartActivity("warm-up")!.Dispose();
        Assert.True(p.SpanProcessor.ListensThroughProvider);

        using (var recorded = p.Source.StartActivity("SELECT orders"))
        {
            recorded!.AddException(new TimeoutException("db did not answer"));
        }

        using (var unrecorded = p.Source.StartActivity("POST /orders", ActivityKind.Server, UnsampledCaller()))
        {
            Assert.False(unrecorded!.Recorded);
            unrecorded.AddException(new TimeoutException());
        }

        using (var refused = p.Source.StartActivity("GET /orders/{id}", ActivityKind.Server, UnsampledCaller()))
        {
            refused!.SetTag("http.response.status_code", 503);
        }

        var span = p.Span("SELECT orders");
        Assert.Equal("OPERATION_TIMEOUT", span.Tag("error.code"));
        Assert.Single(span.Events, e => e.Name == "exception");
        Assert.Equal(2, p.FailureCount("OPERATION_TIMEOUT"));
        Assert.Equal(3, p.FailureCount());
    }

    [Fact]
    public void TryAttach_TwoPipelinesInOneProcess_EachCountsOnlyItsOwnSpans()
    {
        using var first = new TelemetryPipeline();
        using var second = new TelemetryPipeline();
        first.Source.StartActivity("warm-up")!.Dispose();
        second.Source.StartActivity("warm-up")!.Dispose();
        Assert.True(first.SpanProcessor.ListensThroughProvider);
        Assert.True(second.SpanProcessor.ListensThroughProvider);

        using (var activity = second.Source.StartActivity("GET /orders/{id}", ActivityKind.Server, UnsampledCaller()))
        {
            activity!.SetTag("http.response.status_code", 503);
        }

        using (var activity = first.Source.StartActivity("SELECT orders"))
        {
            activity!.AddException(new TimeoutException());
        }

        Assert.Equal(1, second.FailureCount());
        Assert.Equal(0, second.FailureCount("OPERATION_TIMEOUT"));
        Assert.Equal(1, first.FailureCount("OPERATION_TIMEOUT"));
        Assert.Equal(1, first.FailureCount());
    }

    [Fact]
    public void Dispose_AfterAttaching_ProviderKeepsExportingAndNothingIsSeenAnymore()
    {
        using var source = new ActivitySource("ErrorTelemetry.Tests.Capture." + Guid.NewGuid().ToString("N"));
        var exported = new List<Activity>();
        using var provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .SetSampler(new ParentBasedSampler(new AlwaysOnSampler()))
            .AddInMemoryExporter(exported)
            .Build()!;
        var unrecorded = new List<string>();
        var listener = new ExceptionCaptureListener(unrecordedStopped: a => Add(unrecorded, source, a), provider: () => provider);

        source.StartActivity("before")!.Dispose();
        Assert.True(listener.IsAttached);
        source.StartActivity("unsampled while attached", ActivityKind.Server, UnsampledCaller())!.Dispose();
        Exception? seen;
        using (var recorded = source.StartActivity("recorded while attached"))
        {
            recorded!.AddException(new TimeoutException());
            seen = FailureState.GetException(recorded);
        }

        listener.Dispose();
        source.StartActivity("unsampled after dispose", ActivityKind.Server, UnsampledCaller())!.Dispose();
        using (var recorded = source.StartActivity("recorded after dispose"))
        {
            recorded!.AddException(new TimeoutException());
            Assert.Null(FailureState.GetException(recorded));
        }

        Assert.IsType<TimeoutException>(seen);
        Assert.Equal(["unsampled while attached"], unrecorded);
        Assert.Equal(["before", "recorded while attached", "recorded after dispose"], exported.Select(a => a.DisplayName));
    }

    [Fact]
    public void TryAttach_ProviderUnknown_KeepsItsOwnListener()
    {
        using var source = new ActivitySource("ErrorTelemetry.Tests.Capture." + Guid.NewGuid().ToString("N"));
        var unrecorded = new List<string>();
        using var listener = new ExceptionCaptureListener(unrecordedStopped: a => Add(unrecorded, source, a));
        using var sampler = new ActivityListener
        {
            ShouldListenTo = s => s == source,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
        };
        ActivitySource.AddActivityListener(sampler);

        source.StartActivity("unsampled")!.Dispose();

        Assert.False(listener.IsAttached);
        Assert.Equal(["unsampled"], unrecorded);
    }

    // Other tests' spans pass by too while the listener has no provider to ask (it then hears every source).
    private static void Add(List<string> seen, ActivitySource source, Activity activity)
    {
        if (activity.Source == source)
        {
            seen.Add(activity.DisplayName);
        }
    }

    private static ActivityContext UnsampledCaller() =>
        new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);
}
