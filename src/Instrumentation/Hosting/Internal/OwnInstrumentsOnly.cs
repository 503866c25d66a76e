using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace ErrorTelemetry.Hosting.Internal;

/// <summary>
/// A metric view that drops instruments created by another host's meter factory. The SDK enables instruments by
/// meter name, process-wide; the meter's scope tells which container created it.
/// </summary>
internal sealed class OwnInstrumentsOnly
{
    private readonly IMeterFactory? _own;

    public OwnInstrumentsOnly(IMeterFactory? own)
    {
        _own = own;
    }

    public MetricStreamConfiguration? Select(Instrument instrument) =>
        _own is not null && instrument.Meter.Scope is IMeterFactory factory && !ReferenceEquals(factory, _own)
            ? MetricStreamConfiguration.Drop
            : null;
}
