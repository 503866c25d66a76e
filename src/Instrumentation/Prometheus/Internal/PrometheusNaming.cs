using System.Text;

namespace ErrorTelemetry.Prometheus.Internal;

/// <summary>The Prometheus metric family types the text format 0.0.4 can express.</summary>
internal enum PrometheusType
{
    Counter,
    Gauge,
    Histogram,
}

/// <summary>
/// Translates OpenTelemetry metric names, units and attribute keys to Prometheus names, as the OpenTelemetry
/// specification's "Prometheus and OpenMetrics compatibility" prescribes.
/// </summary>
internal static class PrometheusNaming
{
    private const string TotalSuffix = "_total";

    /// <summary>
    /// Builds the Prometheus metric family name: the sanitized name, then the unit suffix (unless the name already
    /// ends with it), then <c>_total</c> for counters.
    /// </summary>
    public static string GetMetricName(string name, string? unit, PrometheusType type)
    {
        var sanitized = SanitizeMetricName(name);

        // The unit goes before the type suffix, so a counter named "x_total" keeps a single "_total" at the end.
        var hadTotal = type == PrometheusType.Counter && sanitized.EndsWith(TotalSuffix, StringComparison.Ordinal)
            && sanitized.Length > TotalSuffix.Length;
        if (hadTotal)
        {
            sanitized = sanitized[..^TotalSuffix.Length];
        }

        var unitSuffix = GetUnitSuffix(unit, type);
        if (unitSuffix.Length > 0
            && !sanitized.Equals(unitSuffix, StringComparison.Ordinal)
            && !sanitized.EndsWith("_" + unitSuffix, StringComparison.Ordinal))
        {
            sanitized = sanitized + "_" + unitSuffix;
        }

        if (type == PrometheusType.Counter)
        {
            sanitized += TotalSuffix;
        }

        return sanitized;
    }

    /// <summary>Replaces characters outside <c>[a-zA-Z0-9_:]</c> and collapses runs of underscores.</summary>
    public static string SanitizeMetricName(string name) => Sanitize(name, allowColon: true);

    /// <summary>Replaces characters outside <c>[a-zA-Z0-9_]</c> and collapses runs of underscores.</summary>
    public static string SanitizeLabelName(string name) => Sanitize(name, allowColon: false);

    /// <summary>
    /// Converts a UCUM unit to the Prometheus suffix: abbreviations are spelled out, <c>{annotations}</c> are dropped,
    /// <c>a/b</c> becomes <c>a_per_b</c>, and <c>1</c> adds nothing.
    /// </summary>
    public static string GetUnitSuffix(string? unit, PrometheusType type)
    {
        if (string.IsNullOrWhiteSpace(unit))
        {
            return string.Empty;
        }

        var withoutAnnotations = RemoveAnnotations(unit).Trim();
        if (withoutAnnotations.Length == 0)
        {
            return string.Empty;
        }

        // The specification suggests "_ratio" for gauges; the official exporter adds nothing, and the same instrument
        // must have the same name through either endpoint.
        if (withoutAnnotations == "1")
        {
            return string.Empty;
        }

        var slash = withoutAnnotations.IndexOf('/', StringComparison.Ordinal);
        var main = slash < 0 ? withoutAnnotations : withoutAnnotations[..slash];
        var per = slash < 0 ? string.Empty : withoutAnnotations[(slash + 1)..];

        var builder = new StringBuilder();
        main = main.Trim();
        if (main.Length > 0 && main != "1")
        {
            builder.Append(MainUnitName(main));
        }

        per = per.Trim();
        if (per.Length > 0)
        {
            if (builder.Length > 0)
            {
                builder.Append('_');
            }

            builder.Append("per_").Append(PerUnitName(per));
        }

        return Sanitize(builder.ToString(), allowColon: false).Trim('_');
    }

    private static string MainUnitName(string unit) => unit switch
    {
        "d" => "days",
        "h" => "hours",
        "min" => "minutes",
        "s" => "seconds",
        "ms" => "milliseconds",
        "us" => "microseconds",
        "ns" => "nanoseconds",
        "By" => "bytes",
        "KiBy" => "kibibytes",
        "MiBy" => "mebibytes",
        "GiBy" => "gibibytes",
        "TiBy" => "tebibytes",
        "KBy" => "kilobytes",
        "MBy" => "megabytes",
        "GBy" => "gigabytes",
        "TBy" => "terabytes",
        "m" => "meters",
        "V" => "volts",
        "A" => "amperes",
        "J" => "joules",
        "W" => "watts",
        "g" => "grams",
        "Cel" => "celsius",
        "Hz" => "hertz",
        "%" => "percent",
        _ => unit,
    };

    private static string PerUnitName(string unit) => unit switch
    {
        "s" => "second",
        "m" => "minute",
        "h" => "hour",
        "d" => "day",
        "w" => "week",
        "mo" => "month",
        "y" => "year",
        _ => unit,
    };

    private static string RemoveAnnotations(string unit)
    {
        if (!unit.Contains('{', StringComparison.Ordinal))
        {
            return unit;
        }

        var builder = new StringBuilder(unit.Length);
        var depth = 0;
        foreach (var c in unit)
        {
            if (c == '{')
            {
                depth++;
            }
            else if (c == '}' && depth > 0)
            {
                depth--;
            }
            else if (depth == 0)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static string Sanitize(string name, bool allowColon)
    {
        if (IsAlreadyValid(name, allowColon))
        {
            return name;
        }

        var builder = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            var valid = IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':');
            var next = valid ? c : '_';
            if (next == '_' && builder.Length > 0 && builder[^1] == '_')
            {
                continue;
            }

            builder.Append(next);
        }

        if (builder.Length > 0 && char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }

    // Most names arrive valid (they were translated on an earlier scrape or are plain snake_case), so the common case
    // returns the input string without allocating.
    private static bool IsAlreadyValid(string name, bool allowColon)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return name.Length == 0;
        }

        var previousUnderscore = false;
        foreach (var c in name)
        {
            var valid = IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':');
            if (!valid || (c == '_' && previousUnderscore))
            {
                return false;
            }

            previousUnderscore = c == '_';
        }

        return true;
    }

    private static bool IsAsciiLetterOrDigit(char c) => char.IsAsciiLetterOrDigit(c);
}
