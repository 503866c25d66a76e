using System.Diagnostics;
using System.Runtime.InteropServices;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Diagnostics;

namespace ErrorTelemetry.Triage.Internal;

/// <summary>
/// The triage endpoint's memory of recent failures, grouped by code. Every counted failure passes through
/// <see cref="OnFailure"/> on the application's thread, so recording is O(1) under one short lock and allocates
/// nothing once a code and route are known. Memory is bounded: at most <c>MaxCodes</c> codes (the least recently
/// seen is forgotten to admit a new one, and its slot reused), each with a fixed ring of samples, a fixed ring of
/// window slices, and at most <c>MaxRoutesPerCode</c> routes and cause codes.
/// </summary>
/// <remarks>
/// The window count is kept in <see cref="Slices"/> slices of the window: a failure stops counting between
/// <c>Window - Window/60</c> and <c>Window</c> after it happened.
/// </remarks>
internal sealed class FailureBuffer : IFailureSink
{
    /// <summary>The key routes and cause codes beyond the per-code limit are counted under.</summary>
    public const string Other = "(other)";

    public const int Slices = 60;

    // Operation names and correlation ids come from spans and baggage; cap what one sample may pin in memory.
    private const int MaxOperationLength = 256;
    private const int MaxIdLength = 128;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _byCode;
    private readonly TimeProvider _time;
    private readonly bool _enabled;
    private readonly int _maxCodes;
    private readonly int _samplesPerCode;
    private readonly int _maxRoutes;
    private readonly long _sliceTicks;
    private Entry? _mostRecent;
    private Entry? _leastRecent;
    private long _evicted;
    private int _fullReported;

    public FailureBuffer(ErrorTelemetryTriageOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _enabled = options.IsEnabled;
        _maxCodes = options.MaxCodes;
        _samplesPerCode = options.SamplesPerCode;
        _maxRoutes = options.MaxRoutesPerCode;
        Window = options.Window;
        _sliceTicks = Math.Max(1, options.Window.Ticks / Slices);
        _byCode = new Dictionary<string, Entry>(Math.Min(_maxCodes, 64), StringComparer.Ordinal);
    }

    public TimeSpan Window { get; }

    /// <summary>Gets the number of codes held now.</summary>
    public int CodeCount
    {
        get
        {
            lock (_gate)
            {
                return _byCode.Count;
            }
        }
    }

    public void OnFailure(in FailureRecord failure)
    {
        if (!_enabled)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var slice = now.UtcTicks / _sliceTicks;
        var definition = failure.Definition;
        var operation = Cap(failure.Operation, MaxOperationLength) ?? string.Empty;
        lock (_gate)
        {
            if (_byCode.TryGetValue(definition.Code, out var entry))
            {
                MoveToFront(entry);
            }
            else
            {
                entry = Admit(definition.Code, now);
            }

            entry.Definition = definition;
            entry.LastSeen = now;
            entry.Total++;
            entry.CountSlice(slice);
            entry.AddSample(new Sample(
                failure.TraceId ?? default,
                failure.TraceId.HasValue,
                failure.SpanId ?? default,
                Cap(failure.CorrelationId, MaxIdLength),
                operation,
                failure.Fingerprint,
                now));
            Increment(entry.Routes, operation, _maxRoutes);
            if (failure.CauseCode is { } cause)
            {
                Increment(entry.Causes, Cap(cause, MaxIdLength)!, _maxRoutes);
            }
        }
    }

    /// <summary>A copy of what the buffer holds, most failures in the window first.</summary>
    public FailureSnapshot Snapshot()
    {
        var now = _time.GetUtcNow();
        var currentSlice = now.UtcTicks / _sliceTicks;
        List<CodeSnapshot> codes;
        long evicted;
        lock (_gate)
        {
            evicted = _evicted;
            codes = new List<CodeSnapshot>(_byCode.Count);
            for (var entry = _mostRecent; entry is not null; entry = entry.Next)
            {
                codes.Add(entry.ToSnapshot(currentSlice));
            }
        }

        codes.Sort(static (a, b) =>
        {
            var byWindow = b.CountInWindow.CompareTo(a.CountInWindow);
            if (byWindow != 0)
            {
                return byWindow;
            }

            var byRecency = b.LastSeen.CompareTo(a.LastSeen);
            return byRecency != 0 ? byRecency : string.CompareOrdinal(a.Definition.Code, b.Definition.Code);
        });
        return new FailureSnapshot(now, Window, _maxCodes, evicted, codes);
    }

    private Entry Admit(string code, DateTimeOffset now)
    {
        Entry entry;
        if (_byCode.Count >= _maxCodes && _leastRecent is { } victim)
        {
            // Reuse the forgotten code's slot: a stream of new codes then costs no allocation beyond the dictionary's.
            _byCode.Remove(victim.Code);
            Unlink(victim);
            _evicted++;
            if (_fullReported == 0)
            {
                _fullReported = 1;
                ErrorTelemetryEventSource.Log.BufferFull(nameof(FailureBuffer), _maxCodes);
            }

            entry = victim;
            entry.Reset();
        }
        else
        {
            entry = new Entry(_samplesPerCode);
        }

        entry.Code = code;
        entry.FirstSeen = now;
        _byCode.Add(code, entry);
        LinkFront(entry);
        return entry;
    }

    private void MoveToFront(Entry entry)
    {
        if (ReferenceEquals(entry, _mostRecent))
        {
            return;
        }

        Unlink(entry);
        LinkFront(entry);
    }

    private void LinkFront(Entry entry)
    {
        entry.Previous = null;
        entry.Next = _mostRecent;
        if (_mostRecent is not null)
        {
            _mostRecent.Previous = entry;
        }

        _mostRecent = entry;
        _leastRecent ??= entry;
    }

    private void Unlink(Entry entry)
    {
        if (entry.Previous is not null)
        {
            entry.Previous.Next = entry.Next;
        }
        else
        {
            _mostRecent = entry.Next;
        }

        if (entry.Next is not null)
        {
            entry.Next.Previous = entry.Previous;
        }
        else
        {
            _leastRecent = entry.Previous;
        }

        entry.Previous = null;
        entry.Next = null;
    }

    private static void Increment(Dictionary<string, long> counts, string key, int limit)
    {
        if (counts.Count >= limit && !counts.ContainsKey(key))
        {
            key = Other;
        }

        CollectionsMarshal.GetValueRefOrAddDefault(counts, key, out _)++;
    }

    private static string? Cap(string? value, int length) =>
        value is null || value.Length <= length ? value : value[..length];

    private readonly record struct Sample(
        ActivityTraceId TraceId,
        bool HasTraceId,
        ActivitySpanId SpanId,
        string? CorrelationId,
        string Operation,
        string Fingerprint,
        DateTimeOffset At);

    private sealed class Entry
    {
        private const long NoSlice = long.MinValue;

        private readonly long[] _sliceIndex = new long[Slices];
        private readonly int[] _sliceCount = new int[Slices];
        private readonly Sample[] _samples;
        private int _nextSample;
        private int _sampleCount;

        public Entry(int samples)
        {
            _samples = new Sample[samples];
            Array.Fill(_sliceIndex, NoSlice);
        }

        public string Code { get; set; } = string.Empty;

        public ErrorDefinition Definition { get; set; } = BuiltInErrors.Unclassified;

        public DateTimeOffset FirstSeen { get; set; }

        public DateTimeOffset LastSeen { get; set; }

        public long Total { get; set; }

        public Dictionary<string, long> Routes { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, long> Causes { get; } = new(StringComparer.Ordinal);

        public Entry? Previous { get; set; }

        public Entry? Next { get; set; }

        public void CountSlice(long slice)
        {
            var i = (int)(slice % Slices);
            if (_sliceIndex[i] != slice)
            {
                _sliceIndex[i] = slice;
                _sliceCount[i] = 0;
            }

            _sliceCount[i]++;
        }

        public void AddSample(in Sample sample)
        {
            _samples[_nextSample] = sample;
            _nextSample = (_nextSample + 1) % _samples.Length;
            if (_sampleCount < _samples.Length)
            {
                _sampleCount++;
            }
        }

        public void Reset()
        {
            Array.Fill(_sliceIndex, NoSlice);
            Array.Clear(_sliceCount);
            Array.Clear(_samples);
            _nextSample = 0;
            _sampleCount = 0;
            Total = 0;
            Routes.Clear();
            Causes.Clear();
        }

        public CodeSnapshot ToSnapshot(long currentSlice)
        {
            long inWindow = 0;
            for (var i = 0; i < Slices; i++)
            {
                if (_sliceIndex[i] != NoSlice && currentSlice - _sliceIndex[i] is >= 0 and < Slices)
                {
                    inWindow += _sliceCount[i];
                }
            }

            var samples = new SampleSnapshot[_sampleCount];
            for (var i = 0; i < _sampleCount; i++)
            {
                // Newest first.
                var s = _samples[(_nextSample - 1 - i + _samples.Length) % _samples.Length];
                samples[i] = new SampleSnapshot(
                    s.HasTraceId ? s.TraceId.ToHexString() : null,
                    s.CorrelationId,
                    s.Operation,
                    s.Fingerprint,
                    s.At,
                    s.HasTraceId && s.SpanId != default ? s.SpanId.ToHexString() : null);
            }

            return new CodeSnapshot(Definition, inWindow, Total, FirstSeen, LastSeen, samples, Sorted(Routes), Sorted(Causes));
        }

        private static KeyValuePair<string, long>[] Sorted(Dictionary<string, long> counts)
        {
            var result = new KeyValuePair<string, long>[counts.Count];
            var i = 0;
            foreach (var pair in counts)
            {
                result[i++] = pair;
            }

            Array.Sort(result, static (a, b) =>
            {
                var byCount = b.Value.CompareTo(a.Value);
                return byCount != 0 ? byCount : string.CompareOrdinal(a.Key, b.Key);
            });
            return result;
        }
    }
}

/// <summary>What the failure buffer held at one moment.</summary>
internal sealed record FailureSnapshot(
    DateTimeOffset GeneratedAt,
    TimeSpan Window,
    int MaxCodes,
    long EvictedCodes,
    IReadOnlyList<CodeSnapshot> Codes);

/// <summary>One code's failures as held by the buffer.</summary>
internal sealed record CodeSnapshot(
    ErrorDefinition Definition,
    long CountInWindow,
    long TotalCount,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    IReadOnlyList<SampleSnapshot> Samples,
    IReadOnlyList<KeyValuePair<string, long>> Routes,
    IReadOnlyList<KeyValuePair<string, long>> CauseCodes);

/// <summary>One recent failure of a code.</summary>
internal sealed record SampleSnapshot(
    string? TraceId,
    string? CorrelationId,
    string Operation,
    string Fingerprint,
    DateTimeOffset At,
    string? SpanId = null);
