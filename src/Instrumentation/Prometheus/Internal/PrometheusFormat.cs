namespace ErrorTelemetry.Prometheus.Internal;

/// <summary>The exposition formats the scrape endpoint serves.</summary>
internal enum PrometheusFormat
{
    /// <summary>The Prometheus text exposition format 0.0.4 (<c>text/plain; version=0.0.4</c>).</summary>
    Text,

    /// <summary>OpenMetrics 1.0 (<c>application/openmetrics-text; version=1.0.0</c>), which Prometheus asks for first.</summary>
    OpenMetrics,
}
