using OpenTelemetry;

namespace ErrorTelemetry.Hosting.Internal;

/// <summary>
/// Several processors run as one, in a fixed order, by a subclass that calls them directly (one virtual call from the
/// SDK instead of one per part). Shutdown and disposal reach every part.
/// </summary>
/// <typeparam name="T">The telemetry type.</typeparam>
internal abstract class OrderedProcessor<T> : BaseProcessor<T>
{
    private BaseProcessor<T>[] _parts = [];

    /// <summary>Sets the parts that shutdown and disposal reach; called once by the subclass's constructor.</summary>
    protected void SetParts(params BaseProcessor<T>[] parts) => _parts = parts;

    protected override bool OnShutdown(int timeoutMilliseconds)
    {
        var result = true;
        foreach (var part in _parts)
        {
            result &= part.Shutdown(timeoutMilliseconds);
        }

        return result;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var part in _parts)
            {
                part.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
