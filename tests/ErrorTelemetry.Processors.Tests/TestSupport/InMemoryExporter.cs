using OpenTelemetry;

namespace ErrorTelemetry.Tests.TestSupport;

/// <summary>
/// A test exporter that keeps what the SDK really exported. Log records and metrics are recycled by the SDK after
/// export, so callers pass a snapshot function that copies what they need.
/// </summary>
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
