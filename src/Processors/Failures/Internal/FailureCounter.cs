using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
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

    private static readonly KeyValuePair<string, object?>[] OverflowTags = Series.TagsOf(OverflowCode, string.Empty, string.Empty, string.Empty);

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _counter;
    private readonly int _maxSeries;
    private readonly ConcurrentDictionary<(string Code, string Operation), Series> _series = new();
    private Series? _last;
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

        // Failures come in runs of the same code and operation (an outage, an error storm): the last series answers
        // without hashing the pair, and its tags are built once.
        var series = Volatile.Read(ref _last);
        if (series is null || !series.Matches(definition, operation))
        {
            if (!_series.TryGetValue((definition.Code, operation), out series))
            {
                // The count check and the add race benignly: the cap may be exceeded by the number of concurrent callers.
                if (_series.Count >= _maxSeries)
                {
                    AddOverflow();
                    return;
                }

                series = _series.GetOrAdd((definition.Code, operation), new Series(definition, operation));
            }

            if (!series.Matches(definition, operation))
            {
                // Another definition object under the same code (a catalog built twice): its own names, as before.
                _counter.Add(1, Series.TagsOf(definition, operation));
                return;
            }

            Volatile.Write(ref _last, series);
        }

        _counter.Add(1, series.Tags);
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
