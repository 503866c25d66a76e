using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using ErrorTelemetry.Diagnostics;

namespace ErrorTelemetry.Failures.Internal;

/// <summary>
/// The failure counter (<c>errortelemetry.failures</c>), one series per code, category, severity and operation,
/// with a cap on distinct series so a high-cardinality operation name cannot exhaust the backend.
/// </summary>
internal sealed class FailureCounter : IDisposable
{
    public const string InstrumentName = "errortelemetry.failures";
    public const string Unit = "{error}";
    public const string OverflowCode = "_OVERFLOW";

    private const int RecentSets = 32;

    private static readonly KeyValuePair<string, object?>[] OverflowTags = Series.TagsOf(OverflowCode, string.Empty, string.Empty, string.Empty);

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _counter;
    private readonly int _maxSeries;
    private readonly ConcurrentDictionary<(string Code, string Operation), Series> _series = new();

    // Recently counted series, in sets chosen by the identity of their definition and operation string (the catalog's
    // definition objects and the operation labels are the same objects from one failure to the next).
    private readonly Series?[] _recent = new Series?[RecentSets * 2];
    private int _seriesCount;
    private int _overflowReported;

    public FailureCounter(int maxSeries, IMeterFactory? meterFactory = null, string meterName = ErrorTelemetryVersion.ScopeName)
    {
        _maxSeries = maxSeries;
        var options = new MeterOptions(meterName)
        {
            Version = ErrorTelemetryVersion.LibraryVersion,
            TelemetrySchemaUrl = ErrorTelemetryVersion.SchemaUrl,
        };
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(options) ?? new Meter(options);
        _counter = _meter.CreateCounter<long>(
            InstrumentName,
            Unit,
            "Failures, counted once per service, by error code, category, severity and operation.");
    }

    public void Add(ErrorDefinition definition, string? operation)
    {
        operation ??= string.Empty;

        // Failures of several series interleave (an outage failing every route, each under its own operation): a
        // series counted recently answers from its set without hashing the strings into the series table, and with
        // reads only, so threads counting different series do not write to a shared field. Two ways per set, so that
        // two busy series whose sets collide do not evict each other on every failure.
        var set = (int)((uint)(RuntimeHelpers.GetHashCode(definition) ^ RuntimeHelpers.GetHashCode(operation)) % RecentSets) * 2;
        var series = Volatile.Read(ref _recent[set]);
        if (series is not null && series.Matches(definition, operation))
        {
            _counter.Add(1, series.Tags);
            return;
        }

        var second = Volatile.Read(ref _recent[set + 1]);
        if (second is not null && second.Matches(definition, operation))
        {
            _counter.Add(1, second.Tags);
            return;
        }

        if (!_series.TryGetValue((definition.Code, operation), out var found))
        {
            // The count check and the add race benignly: the cap may be exceeded by the number of concurrent callers.
            // The count is our own: the dictionary's takes every one of its locks, on every failure past the cap.
            if (Volatile.Read(ref _seriesCount) >= _maxSeries)
            {
                AddOverflow();
                return;
            }

            var added = new Series(definition, operation);
            found = _series.GetOrAdd((definition.Code, operation), added);
            if (ReferenceEquals(found, added))
            {
                Interlocked.Increment(ref _seriesCount);
            }
        }

        if (!found.Matches(definition, operation))
        {
            // Another definition object under the same code (a catalog built twice): its own names, as before.
            _counter.Add(1, Series.TagsOf(definition, operation));
            return;
        }

        Volatile.Write(ref _recent[set + 1], series);
        Volatile.Write(ref _recent[set], found);
        _counter.Add(1, found.Tags);
    }

    private void AddOverflow()
    {
        if (Interlocked.Exchange(ref _overflowReported, 1) == 0)
        {
            ErrorTelemetryEventSource.Log.MetricOverflow(InstrumentName, _maxSeries);
        }

        _counter.Add(1, OverflowTags);
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    /// <summary>One series of the counter: its definition, its operation and its tags, built once.</summary>
    private sealed class Series(ErrorDefinition definition, string operation)
    {
        public KeyValuePair<string, object?>[] Tags { get; } = TagsOf(definition, operation);

        public bool Matches(ErrorDefinition other, string otherOperation) =>
            ReferenceEquals(definition, other) && string.Equals(operation, otherOperation, StringComparison.Ordinal);

        public static KeyValuePair<string, object?>[] TagsOf(ErrorDefinition definition, string operation) =>
            TagsOf(definition.Code, definition.CategoryName, definition.SeverityName, operation);

        public static KeyValuePair<string, object?>[] TagsOf(string code, string category, string severity, string operation) =>
        [
            new(ErrorTelemetryAttributes.Code, code),
            new(ErrorTelemetryAttributes.Category, category),
            new(ErrorTelemetryAttributes.Severity, severity),
            new(ErrorTelemetryAttributes.Operation, operation),
        ];
    }
}
