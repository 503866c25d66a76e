using OpenTelemetry;

namespace ErrorTelemetry.Tests.TestSupport;

/// <summary>
/// A test exporter that keeps what the SDK really exported, copied at export time.
/// </summary>
/// <remarks>
/// Kept instead of <c>AddInMemoryExporter</c> because these tests assert what an exporter saw when it exported: the
/// SDK recycles a <c>LogRecord</c> and a metric's points after <c>Export</c> returns (a pooled record is reused for the
/// next log call; a cumulative point keeps counting), so a list of the original objects would show later values.
/// Callers pass a snapshot function that copies what they need.
/// </remarks>
internal sealed class InMemoryExporter<T, TSnapshot> : BaseExporter<T>
    where T : class
{
    private readonly Func<T, TSnapshot> _snapshot;
    private readonly List<TSnapshot> _items = [];
    private readonly Lock _gate = new();

    public InMemoryExporter(Func<T, TSnapshot> snapshot) => _snapshot = snapshot;

    public IReadOnlyList<TSnapshot> Items
    {
        get
        {
            lock (_gate)
            {
                return [.. _items];
            }
        }
    }

    public override ExportResult Export(in Batch<T> batch)
    {
        lock (_gate)
        {
            foreach (var item in batch)
            {
                _items.Add(_snapshot(item));
            }
        }

        return ExportResult.Success;
    }

    public void Clear()
    {
        lock (_gate)
        {
            _items.Clear();
        }
    }
}
