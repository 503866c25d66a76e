using OpenTelemetry;

namespace ErrorTelemetry.Benchmarks.Support;

/// <summary>An exporter that accepts everything and does nothing, so benchmarks measure the pipeline, not I/O.</summary>
internal sealed class NoopExporter<T> : BaseExporter<T>
    where T : class
{
    public override ExportResult Export(in Batch<T> batch) => ExportResult.Success;
}
