using System.Collections;
using System.Globalization;
using System.Text;
using ErrorTelemetry.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ErrorTelemetry.Prometheus.Internal;

/// <summary>
/// Renders one collection of OpenTelemetry metrics in the Prometheus text exposition format 0.0.4 or in OpenMetrics 1.0,
/// with the names, types, units and bucket bounds the official <c>OpenTelemetry.Exporter.Prometheus</c> exporters write.
/// </summary>
/// <remarks>
/// OpenMetrics differs from the text format in what a scraper stores: counter families are named without
/// <c>_total</c> (the samples keep it), families announce their <c>UNIT</c>, counters and histograms carry a
/// <c>_created</c> sample (the point's start time in seconds), bucket bounds are canonical floats (<c>le="5.0"</c>, not
/// <c>le="5"</c>, so Prometheus stores the same series through either exporter), <c>target_info</c> is an <c>info</c>
/// family, and the exposition ends with <c># EOF</c>.
/// </remarks>
/// <remarks>
/// Not thread-safe: the instance reuses its buffers, so the owning exporter serializes collections. Never throws for
/// data it cannot express; such metrics are dropped and reported once through <see cref="ErrorTelemetryEventSource"/>.
/// </remarks>
internal sealed class PrometheusTextSerializer(PrometheusFormat format = PrometheusFormat.Text)
{
    private const string Component = "PrometheusScrape";
    private const string ScopeNameLabel = "otel_scope_name";
    private const string ScopeVersionLabel = "otel_scope_version";
    private const string ScopeSchemaUrlLabel = "otel_scope_schema_url";
    private const string BucketBoundLabel = "le";
    private const string TotalSuffix = "_total";
    private const string CreatedSuffix = "_created";

    private readonly bool _openMetrics = format == PrometheusFormat.OpenMetrics;

    private readonly StringBuilder _text = new(8192);
    private readonly List<Family> _families = [];
    private readonly Dictionary<string, Family> _familiesByName = new(StringComparer.Ordinal);
    private const int NameCacheLimit = 4096;

    private readonly List<Label> _labels = [];
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);

    // Attribute keys and instrument identities repeat on every scrape; translating them once keeps a scrape from
    // allocating a new string per label of every point. Bounded, because keys are not guaranteed to be.
    private readonly Dictionary<string, string> _labelNames = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Name, string? Unit, PrometheusType Type), string> _metricNames = [];

    /// <summary>Serializes the batch, preceded by <c>target_info</c> when the resource has attributes.</summary>
    public byte[] Serialize(in Batch<Metric> batch, Resource? resource)
    {
        Begin(resource);
        foreach (var metric in batch)
        {
            AddToFamily(metric);
        }

        return Finish();
    }

    /// <summary>Serializes only <c>target_info</c>, for collections that produced no metrics.</summary>
    public byte[] SerializeEmpty(Resource? resource)
    {
        Begin(resource);
        return Finish();
    }

    private void Begin(Resource? resource)
    {
        _text.Clear();
        _families.Clear();
        _familiesByName.Clear();
        WriteTargetInfo(resource);
    }

    private byte[] Finish()
    {
        foreach (var family in _families)
        {
            WriteFamily(family);
        }

        if (_openMetrics)
        {
            _text.Append("# EOF\n");
        }

        return Encoding.UTF8.GetBytes(_text.ToString());
    }

    private void AddToFamily(Metric metric)
    {
        if (!TryGetType(metric, out var type))
        {
            ReportOnce(metric.Name, $"Prometheus scrape: metric '{metric.Name}' of type {metric.MetricType} with {metric.Temporality} temporality has no Prometheus text representation and is not exposed.");
            return;
        }

        var name = GetMetricName(metric.Name, metric.Unit, type);
        if (_familiesByName.TryGetValue(name, out var family))
        {
            // Two instruments (e.g. from different meters) may translate to one name: one family with one TYPE line
            // is valid; conflicting types are not, so the later metric is dropped as the specification requires.
            if (family.Type != type)
            {
                ReportOnce(name, $"Prometheus scrape: metric '{metric.Name}' from meter '{metric.MeterName}' translates to '{name}', already exposed as a {family.Type}; it is not exposed.");
                return;
            }

            family.Metrics.Add(metric);
            return;
        }

        family = new Family(name, type, _openMetrics ? PrometheusNaming.GetUnitSuffix(metric.Unit, type) : string.Empty);
        family.Metrics.Add(metric);
        _families.Add(family);
        _familiesByName.Add(name, family);
    }

    private string GetMetricName(string name, string? unit, PrometheusType type)
    {
        if (_metricNames.TryGetValue((name, unit, type), out var cached))
        {
            return cached;
        }

        var translated = PrometheusNaming.GetMetricName(name, unit, type);
        if (_metricNames.Count < NameCacheLimit)
        {
            _metricNames[(name, unit, type)] = translated;
        }

        return translated;
    }

    private string GetLabelName(string key)
    {
        if (_labelNames.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var sanitized = PrometheusNaming.SanitizeLabelName(key);
        if (_labelNames.Count < NameCacheLimit)
        {
            _labelNames[key] = sanitized;
        }

        return sanitized;
    }

    private static bool TryGetType(Metric metric, out PrometheusType type)
    {
        switch (metric.MetricType)
        {
            case MetricType.LongSum:
            case MetricType.DoubleSum:
                type = PrometheusType.Counter;
                return metric.Temporality == AggregationTemporality.Cumulative;
            case MetricType.LongSumNonMonotonic:
            case MetricType.DoubleSumNonMonotonic:
            case MetricType.LongGauge:
            case MetricType.DoubleGauge:
                type = PrometheusType.Gauge;
                return true;
            case MetricType.Histogram:
                type = PrometheusType.Histogram;
                return metric.Temporality == AggregationTemporality.Cumulative;
            default:
                // Exponential histograms need native histograms, which the text format 0.0.4 cannot carry.
                type = default;
                return false;
        }
    }

    private void WriteFamily(Family family)
    {
        var wroteHeader = false;
        foreach (var metric in family.Metrics)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                if (!wroteHeader)
                {
                    WriteHeader(family);
                    wroteHeader = true;
                }

                CollectLabels(metric, point.Tags, family.Type == PrometheusType.Histogram);
                switch (family.Type)
                {
                    case PrometheusType.Counter:
                        WriteSample(family.Name, null, null);
                        _text.Append(metric.MetricType.IsDouble() ? FormatDouble(point.GetSumDouble()) : FormatLong(point.GetSumLong())).Append('\n');
                        WriteCreated(family, point);
                        break;
                    case PrometheusType.Gauge:
                        WriteSample(family.Name, null, null);
                        _text.Append(FormatGaugeOrUpDown(metric.MetricType, point)).Append('\n');
                        break;
                    default:
                        WriteHistogram(family.Name, point);
                        WriteCreated(family, point);
                        break;
                }
            }
        }
    }

    private static string FormatGaugeOrUpDown(MetricType metricType, in MetricPoint point) => metricType switch
    {
        MetricType.LongGauge => FormatLong(point.GetGaugeLastValueLong()),
        MetricType.DoubleGauge => FormatDouble(point.GetGaugeLastValueDouble()),
        MetricType.LongSumNonMonotonic => FormatLong(point.GetSumLong()),
        _ => FormatDouble(point.GetSumDouble()),
    };

    private void WriteHeader(Family family)
    {
        string? help = null;
        foreach (var metric in family.Metrics)
        {
            if (!string.IsNullOrEmpty(metric.Description))
            {
                help = metric.Description;
                break;
            }
        }

        var type = family.Type switch
        {
            PrometheusType.Counter => "counter",
            PrometheusType.Gauge => "gauge",
            _ => "histogram",
        };

        if (!_openMetrics)
        {
            if (help is not null)
            {
                _text.Append("# HELP ").Append(family.Name).Append(' ');
                AppendEscapedHelp(help);
                _text.Append('\n');
            }

            _text.Append("# TYPE ").Append(family.Name).Append(' ').Append(type).Append('\n');
            return;
        }

        // OpenMetrics names the family, not the sample: a counter's "_total" is a sample suffix like "_created".
        _text.Append("# TYPE ").Append(family.MetadataName).Append(' ').Append(type).Append('\n');
        if (family.Unit.Length > 0)
        {
            _text.Append("# UNIT ").Append(family.MetadataName).Append(' ').Append(family.Unit).Append('\n');
        }

        if (help is not null)
        {
            _text.Append("# HELP ").Append(family.MetadataName).Append(' ');
            AppendEscapedHelp(help);
            _text.Append('\n');
        }
    }

    // OpenMetrics only: "<family>_created{labels} <start time in seconds>" after a counter's or histogram's samples.
    private void WriteCreated(Family family, in MetricPoint point)
    {
        if (!_openMetrics || point.StartTime == default)
        {
            return;
        }

        WriteSample(family.MetadataName, CreatedSuffix, null);
        var seconds = (point.StartTime.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;
        _text.Append(FormatDouble(seconds)).Append('\n');
    }

    private void WriteHistogram(string name, in MetricPoint point)
    {
        var count = point.GetHistogramCount();
        long cumulative = 0;
        var wroteInfinity = false;
        var hasNegativeBound = false;
        foreach (var bucket in point.GetHistogramBuckets())
        {
            cumulative += bucket.BucketCount;
            var isInfinity = double.IsPositiveInfinity(bucket.ExplicitBound);
            wroteInfinity |= isInfinity;
            hasNegativeBound |= bucket.ExplicitBound < 0;
            WriteSample(name, "_bucket", isInfinity ? "+Inf" : _openMetrics ? FormatCanonicalBound(bucket.ExplicitBound) : FormatDouble(bucket.ExplicitBound));
            _text.Append(FormatLong(isInfinity ? count : cumulative)).Append('\n');
        }

        if (!wroteInfinity)
        {
            WriteSample(name, "_bucket", "+Inf");
            _text.Append(FormatLong(count)).Append('\n');
        }

        // OpenMetrics forbids _sum for histograms with negative buckets (the sum is then not monotonic); the official
        // exporter drops _count with it.
        if (_openMetrics && hasNegativeBound)
        {
            return;
        }

        WriteSample(name, "_sum", null);
        _text.Append(FormatDouble(point.GetHistogramSum())).Append('\n');
        WriteSample(name, "_count", null);
        _text.Append(FormatLong(count)).Append('\n');
    }

    // Writes "name{labels} " (with a trailing space) from the labels collected for the current point.
    private void WriteSample(string name, string? suffix, string? bucketBound)
    {
        _text.Append(name);
        if (suffix is not null)
        {
            _text.Append(suffix);
        }

        var any = false;
        foreach (var label in _labels)
        {
            _text.Append(any ? ',' : '{').Append(label.Name).Append("=\"");
            AppendEscapedLabelValue(label.Value);
            _text.Append('"');
            any = true;
        }

        if (bucketBound is not null)
        {
            _text.Append(any ? ',' : '{').Append(BucketBoundLabel).Append("=\"").Append(bucketBound).Append('"');
            any = true;
        }

        _text.Append(any ? "} " : " ");
    }

    private void CollectLabels(Metric metric, ReadOnlyTagCollection tags, bool isHistogram)
    {
        _labels.Clear();
        foreach (var tag in tags)
        {
            var name = GetLabelName(tag.Key);

            // Labels the exporter itself sets win: a duplicate label name would make the whole scrape unparsable.
            if (name.Length == 0 || name == ScopeNameLabel || name == ScopeVersionLabel || name == ScopeSchemaUrlLabel || (isHistogram && name == BucketBoundLabel))
            {
                continue;
            }

            _labels.Add(new Label(name, tag.Key, FormatAttributeValue(tag.Value)));
        }

        MergeCollidingLabels();

        _labels.Add(new Label(ScopeNameLabel, ScopeNameLabel, metric.MeterName));
        if (!string.IsNullOrEmpty(metric.MeterVersion))
        {
            _labels.Add(new Label(ScopeVersionLabel, ScopeVersionLabel, metric.MeterVersion));
        }

        // The official exporter labels the scope's schema URL too: without it, the same instrument scraped through
        // both endpoints would be two different series.
        if (!string.IsNullOrEmpty(metric.MeterSchemaUrl))
        {
            _labels.Add(new Label(ScopeSchemaUrlLabel, ScopeSchemaUrlLabel, metric.MeterSchemaUrl));
        }
    }

    private void WriteTargetInfo(Resource? resource)
    {
        if (resource is null)
        {
            return;
        }

        _labels.Clear();
        foreach (var attribute in resource.Attributes)
        {
            var name = PrometheusNaming.SanitizeLabelName(attribute.Key);
            if (name.Length > 0)
            {
                _labels.Add(new Label(name, attribute.Key, FormatAttributeValue(attribute.Value)));
            }
        }

        if (_labels.Count == 0)
        {
            return;
        }

        MergeCollidingLabels();
        _text.Append(_openMetrics ? "# TYPE target info\n# HELP target Target metadata\n" : "# HELP target_info Target metadata\n# TYPE target_info gauge\n");
        WriteSample("target_info", null, null);
        _text.Append("1\n");
    }

    // Sorts labels by name and, where several attribute keys sanitize to one label name, joins their values with ';'
    // in the order of the original keys, as the specification requires.
    private void MergeCollidingLabels()
    {
        if (_labels.Count < 2)
        {
            return;
        }

        _labels.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.OriginalKey, b.OriginalKey);
        });

        var write = 0;
        for (var read = 1; read < _labels.Count; read++)
        {
            if (_labels[read].Name == _labels[write].Name)
            {
                _labels[write] = _labels[write] with { Value = _labels[write].Value + ";" + _labels[read].Value };
            }
            else
            {
                _labels[++write] = _labels[read];
            }
        }

        _labels.RemoveRange(write + 1, _labels.Count - write - 1);
    }

    private void AppendEscapedLabelValue(string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\':
                    _text.Append("\\\\");
                    break;
                case '"':
                    _text.Append("\\\"");
                    break;
                case '\n':
                    _text.Append("\\n");
                    break;
                default:
                    _text.Append(c);
                    break;
            }
        }
    }

    private void AppendEscapedHelp(string help)
    {
        foreach (var c in help)
        {
            switch (c)
            {
                case '\\':
                    _text.Append("\\\\");
                    break;
                case '\n':
                    _text.Append("\\n");
                    break;
                case '"' when _openMetrics:
                    _text.Append("\\\"");
                    break;
                default:
                    _text.Append(c);
                    break;
            }
        }
    }

    /// <summary>Formats an attribute value as the OpenTelemetry attribute specification says for non-string values.</summary>
    internal static string FormatAttributeValue(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        bool b => b ? "true" : "false",
        double d => FormatFloatLabelValue(d),
        float f => FormatFloatLabelValue(f),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable sequence => FormatArray(sequence),
        _ => value.ToString() ?? string.Empty,
    };

    private static string FormatArray(IEnumerable sequence)
    {
        var builder = new StringBuilder("[");
        var first = true;
        foreach (var item in sequence)
        {
            if (!first)
            {
                builder.Append(',');
            }

            first = false;
            if (item is string s)
            {
                builder.Append('"');
                foreach (var c in s)
                {
                    if (c is '"' or '\\')
                    {
                        builder.Append('\\');
                    }

                    builder.Append(c);
                }

                builder.Append('"');
            }
            else
            {
                builder.Append(item is null ? "null" : FormatAttributeValue(item));
            }
        }

        return builder.Append(']').ToString();
    }

    internal static string FormatDouble(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "+Inf" : "-Inf";
        }

        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    // OpenMetrics requires a canonical float for "le", so that "5", "5.0" and "5e0" are one series: the official
    // exporter writes a decimal point for integral bounds ("5.0", "1000.0") and a lower-case exponent ("1e-07").
    internal static string FormatCanonicalBound(double value)
    {
        var text = FormatDouble(value);
        if (text.Contains('E', StringComparison.Ordinal))
        {
            return text.Replace('E', 'e');
        }

        return text.Contains('.', StringComparison.Ordinal) || text.Contains('N', StringComparison.Ordinal) || text.Contains('I', StringComparison.Ordinal) ? text : text + ".0";
    }

    // A floating-point attribute keeps its decimal point ("1.0", not "1"), as the official exporter writes it, so that
    // the label value, and with it the series, is the same through either endpoint.
    private static string FormatFloatLabelValue(double value)
    {
        var text = FormatDouble(value);
        foreach (var c in text)
        {
            if (c is not ((>= '0' and <= '9') or '-'))
            {
                return text;
            }
        }

        return text + ".0";
    }

    private static string FormatLong(long value) => value.ToString(CultureInfo.InvariantCulture);

    private void ReportOnce(string key, string message)
    {
        if (_reported.Add(key))
        {
            ErrorTelemetryEventSource.Log.ConfigurationWarning(message);
        }
    }

    private readonly record struct Label(string Name, string OriginalKey, string Value);

    private sealed class Family(string name, PrometheusType type, string unit)
    {
        public string Name { get; } = name;

        /// <summary>Gets the OpenMetrics family name: a counter's name without its <c>_total</c> sample suffix.</summary>
        public string MetadataName { get; } = type == PrometheusType.Counter && name.EndsWith(TotalSuffix, StringComparison.Ordinal) ? name[..^TotalSuffix.Length] : name;

        /// <summary>Gets the unit suffix the name ends with (OpenMetrics <c># UNIT</c>), empty for none.</summary>
        public string Unit { get; } = unit;

        public PrometheusType Type { get; } = type;

        public List<Metric> Metrics { get; } = [];
    }
}
