using System.Diagnostics;
using System.Diagnostics.Tracing;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Triage.Internal;
using Microsoft.Extensions.Time.Testing;

namespace ErrorTelemetry.Tests.Triage;

public class FailureBufferTests
{
    private static readonly DateTimeOffset Start = new(2025, 6, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void OnFailure_TenThousandDistinctCodes_KeepsTheMostRecentUpToTheCapWithExactCounts()
    {
        const int cap = 137;
        using var listener = new BufferFullListener(cap);
        var clock = new FakeTimeProvider(Start);
        var buffer = NewBuffer(clock, o => o.MaxCodes = cap);
        var definitions = Enumerable.Range(0, 10_000).Select(i => new ErrorDefinition($"CODE_{i:D5}", ErrorCategory.Internal, "Failed.")).ToArray();

        for (var i = 0; i < definitions.Length; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(1));
            // Every code fails once; every tenth code fails a second time right away.
            buffer.OnFailure(Record(definitions[i], "op"));
            if (i % 10 == 0)
            {
                buffer.OnFailure(Record(definitions[i], "op"));
            }
        }

        // A code seen recently survives a flood of new codes; the least recently seen are forgotten.
        buffer.OnFailure(Record(definitions[9_900], "op"));
        for (var i = 0; i < 200; i++)
        {
            buffer.OnFailure(Record(new ErrorDefinition($"LATE_{i:D3}", ErrorCategory.Internal, "Failed."), "op"));
            if (i % 50 == 0)
            {
                buffer.OnFailure(Record(definitions[9_900], "op"));
            }
        }

        var snapshot = buffer.Snapshot();
        Assert.Equal(cap, buffer.CodeCount);
        Assert.Equal(cap, snapshot.Codes.Count);
        Assert.Equal(10_000 + 200 - cap, snapshot.EvictedCodes);
        var kept = snapshot.Codes.ToDictionary(c => c.Definition.Code, c => c.TotalCount);

        // Most recent first: LATE_199..LATE_151, CODE_09900 (touched after LATE_150), LATE_150..LATE_064.
        var expected = Enumerable.Range(64, 136).Select(i => $"LATE_{i:D3}").Append("CODE_09900").Order(StringComparer.Ordinal);
        Assert.Equal(expected, kept.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2 + 1 + 4, kept["CODE_09900"]);
        Assert.All(kept.Where(k => k.Key.StartsWith("LATE_", StringComparison.Ordinal)), k => Assert.Equal(1, k.Value));
        Assert.Equal(7, snapshot.Codes.Single(c => c.Definition.Code == "CODE_09900").CountInWindow);
        Assert.Equal(1, listener.Count);
    }

    [Fact]
    public void OnFailure_FloodOfCodesAtTheCap_OldestForgottenNewestKept()
    {
        var buffer = NewBuffer(new FakeTimeProvider(Start), o => o.MaxCodes = 500);
        var definitions = Enumerable.Range(0, 10_000).Select(i => new ErrorDefinition($"CODE_{i:D5}", ErrorCategory.Internal, "Failed.")).ToArray();

        foreach (var d in definitions)
        {
            buffer.OnFailure(Record(d, "GET /x"));
            buffer.OnFailure(Record(d, "GET /y"));
        }

        var snapshot = buffer.Snapshot();
        Assert.Equal(500, snapshot.Codes.Count);
        Assert.Equal(definitions[9_500..].Select(d => d.Code).Order(StringComparer.Ordinal), snapshot.Codes.Select(c => c.Definition.Code).Order(StringComparer.Ordinal));
        Assert.All(snapshot.Codes, c =>
        {
            Assert.Equal(2, c.TotalCount);
            Assert.Equal(2, c.CountInWindow);
            Assert.Equal(2, c.Samples.Count);
            Assert.Equal([new KeyValuePair<string, long>("GET /x", 1), new KeyValuePair<string, long>("GET /y", 1)], c.Routes);
        });
    }

    [Fact]
    public void OnFailure_KnownCodeAndRoute_AllocatesNothing()
    {
        var buffer = NewBuffer(new FakeTimeProvider(Start));
        var definition = new ErrorDefinition("HOT_PATH_FAILURE", ErrorCategory.Dependency, "Failed.");
        var record = new FailureRecord(definition, "0123456789abcdef", "DOWNSTREAM_TIMEOUT", "GET /orders/{id}", ActivityTraceId.CreateRandom(), "corr-1");
        buffer.OnFailure(record);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            buffer.OnFailure(record);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(10_001, buffer.Snapshot().Codes[0].TotalCount);
    }

    [Fact]
    public void OnFailure_ManyRoutesAndCauses_CappedWithOtherAndSumsExact()
    {
        var buffer = NewBuffer(new FakeTimeProvider(Start), o =>
        {
            o.MaxRoutesPerCode = 10;
            o.SamplesPerCode = 5;
        });
        var definition = new ErrorDefinition("MANY_ROUTES", ErrorCategory.Internal, "Failed.");

        for (var i = 0; i < 1_000; i++)
        {
            buffer.OnFailure(new FailureRecord(definition, "fp", $"CAUSE_{i % 30}", $"GET /route/{i}", ActivityTraceId.CreateRandom(), new string('c', 1_000)));
        }

        var code = Assert.Single(buffer.Snapshot().Codes);
        Assert.Equal(11, code.Routes.Count);
        Assert.Equal(new KeyValuePair<string, long>(FailureBuffer.Other, 990), code.Routes[0]);
        Assert.Equal(1_000, code.Routes.Sum(r => r.Value));
        Assert.Equal(11, code.CauseCodes.Count);
        Assert.Equal(1_000, code.CauseCodes.Sum(r => r.Value));
        Assert.Equal(5, code.Samples.Count);
        Assert.Equal(["GET /route/999", "GET /route/998", "GET /route/997", "GET /route/996", "GET /route/995"], code.Samples.Select(s => s.Operation));
        Assert.All(code.Samples, s => Assert.Equal(128, s.CorrelationId!.Length));
    }

    [Fact]
    public void Snapshot_FailuresAcrossTheWindow_CountsOnlyThoseInsideAndSortsByWindowCount()
    {
        var clock = new FakeTimeProvider(Start.AddSeconds(3));
        var buffer = NewBuffer(clock, o => o.Window = TimeSpan.FromMinutes(1));
        var old = new ErrorDefinition("OLD_BURST", ErrorCategory.Internal, "Failed.");
        var recent = new ErrorDefinition("RECENT_TRICKLE", ErrorCategory.Internal, "Failed.");

        for (var i = 0; i < 5; i++)
        {
            buffer.OnFailure(Record(old, "op"));
        }

        clock.Advance(TimeSpan.FromSeconds(50));
        buffer.OnFailure(Record(recent, "op"));
        buffer.OnFailure(Record(recent, "op"));

        var within = buffer.Snapshot();
        Assert.Equal(["OLD_BURST", "RECENT_TRICKLE"], within.Codes.Select(c => c.Definition.Code));
        Assert.Equal([5L, 2L], within.Codes.Select(c => c.CountInWindow));

        clock.Advance(TimeSpan.FromSeconds(15));
        var later = buffer.Snapshot();
        Assert.Equal(["RECENT_TRICKLE", "OLD_BURST"], later.Codes.Select(c => c.Definition.Code));
        Assert.Equal([2L, 0L], later.Codes.Select(c => c.CountInWindow));
        Assert.Equal([2L, 5L], later.Codes.Select(c => c.TotalCount));
        Assert.Equal(Start.AddSeconds(3), later.Codes[1].FirstSeen);
        Assert.Equal(Start.AddSeconds(53), later.Codes[0].LastSeen);
    }

    [Fact]
    public void OnFailure_ConcurrentWriters_NoCountLost()
    {
        var buffer = NewBuffer(TimeProvider.System, o => o.MaxCodes = 50);
        var definitions = Enumerable.Range(0, 20).Select(i => new ErrorDefinition($"PARALLEL_{i:D2}", ErrorCategory.Internal, "Failed.")).ToArray();

        Parallel.For(0, 40_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            buffer.OnFailure(Record(definitions[i % definitions.Length], $"op-{i % 3}"));
            if (i % 1_000 == 0)
            {
                _ = buffer.Snapshot();
            }
        });

        var snapshot = buffer.Snapshot();
        Assert.Equal(20, snapshot.Codes.Count);
        Assert.All(snapshot.Codes, c => Assert.Equal(2_000, c.TotalCount));
        Assert.All(snapshot.Codes, c => Assert.Equal(2_000, c.Routes.Sum(r => r.Value)));
    }

    [Fact]
    public void OnFailure_TriageOff_RecordsNothing()
    {
        var buffer = new FailureBuffer(new ErrorTelemetryTriageOptions(), TimeProvider.System);

        buffer.OnFailure(Record(BuiltInErrors.OperationTimeout, "op"));

        Assert.Empty(buffer.Snapshot().Codes);
    }

    private static FailureBuffer NewBuffer(TimeProvider time, Action<ErrorTelemetryTriageOptions>? configure = null)
    {
        var options = new ErrorTelemetryTriageOptions { AuthorizationPolicy = "oncall" };
        configure?.Invoke(options);
        return new FailureBuffer(options, time);
    }

    private static FailureRecord Record(ErrorDefinition definition, string operation) =>
        new(definition, "fp", null, operation, ActivityTraceId.CreateRandom(), null);

    /// <summary>Counts BufferFull events for one capacity (unique to the test, so parallel tests do not interfere).</summary>
    private sealed class BufferFullListener : EventListener
    {
        private readonly int _capacity;
        private int _count;

        public BufferFullListener(int capacity)
        {
            _capacity = capacity;
        }

        public int Count => Volatile.Read(ref _count);

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "ErrorTelemetry")
            {
                EnableEvents(eventSource, EventLevel.Warning);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName == "BufferFull" && eventData.Payload is [_, int capacity] && capacity == _capacity)
            {
                Interlocked.Increment(ref _count);
            }
        }
    }
}
