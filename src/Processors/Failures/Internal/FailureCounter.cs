using System.Collections.Concurrent;
using System.Diagnostics;
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

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _counter;
    private readonly int _maxSeries;
    private readonly ConcurrentDictionary<(string Code, string Operation), byte> _series = new();
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
        var key = (definition.Code, operation);
        if (!_series.ContainsKey(key))
        {
            // The count check and the add race benignly: the cap may be exceeded by the number of concurrent callers.
            if (_series.Count >= _maxSeries)
            {
                AddOverflow();
                return;
            }

            _series.TryAdd(key, 0);
        }

        var tags = new TagList
        {
            { ErrorTelemetryAttributes.Code, definition.Code },
            { ErrorTelemetryAttributes.Category, definition.CategoryName },
            { ErrorTelemetryAttributes.Severity, definition.SeverityName },
            { ErrorTelemetryAttributes.Operation, operation },
        };
        _counter.Add(1, tags);
    }

    private void AddOverflow()
    {
        if (Interlocked.Exchange(ref _overflowReported, 1) == 0)
        {
            ErrorTelemetryEventSource.Log.MetricOverflow(InstrumentName, _maxSeries);
        }

        var tags = new TagList
        {
            { ErrorTelemetryAttributes.Code, OverflowCode },
            { ErrorTelemetryAttributes.Category, string.Empty },
            { ErrorTelemetryAttributes.Severity, string.Empty },
            { ErrorTelemetryAttributes.Operation, string.Empty },
        };
        _counter.Add(1, tags);
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
