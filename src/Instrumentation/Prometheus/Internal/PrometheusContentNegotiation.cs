using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace ErrorTelemetry.Prometheus.Internal;

/// <summary>Chooses the exposition format from a scrape's <c>Accept</c> header.</summary>
internal static class PrometheusContentNegotiation
{
    /// <summary>The <c>Content-Type</c> of the text exposition format 0.0.4.</summary>
    public const string TextContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The <c>Content-Type</c> of OpenMetrics 1.0.</summary>
    public const string OpenMetricsContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private const string OpenMetricsMediaType = "application/openmetrics-text";
    private const string OpenMetricsVersion = "1.0.0";

    /// <summary>
    /// Returns <see cref="PrometheusFormat.OpenMetrics"/> when the header ranks <c>application/openmetrics-text</c>
    /// (version 1.0.0, or no version) above every range the text format satisfies (<c>text/plain</c>, <c>text/*</c>,
    /// <c>*/*</c>); ties go to the range listed first. Anything else, including a missing or unparsable header, gets the
    /// text format, as today's scrapers without OpenMetrics support expect.
    /// </summary>
    /// <remarks>Never throws.</remarks>
    public static PrometheusFormat Choose(StringValues accept)
    {
        if (StringValues.IsNullOrEmpty(accept) || !MediaTypeHeaderValue.TryParseList(accept, out var ranges))
        {
            return PrometheusFormat.Text;
        }

        var best = PrometheusFormat.Text;
        var bestQuality = 0.0;
        foreach (var range in ranges)
        {
            var quality = range.Quality ?? 1.0;
            if (quality <= bestQuality)
            {
                continue;
            }

            if (IsOpenMetrics(range))
            {
                best = PrometheusFormat.OpenMetrics;
                bestQuality = quality;
            }
            else if (range.MatchesAllTypes || range.MediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase) || range.MatchesAllSubTypes && range.Type.Equals("text", StringComparison.OrdinalIgnoreCase))
            {
                best = PrometheusFormat.Text;
                bestQuality = quality;
            }
        }

        return best;
    }

    /// <summary>Gets the <c>Content-Type</c> of <paramref name="format"/>.</summary>
    public static string ContentType(PrometheusFormat format) =>
        format == PrometheusFormat.OpenMetrics ? OpenMetricsContentType : TextContentType;

    private static bool IsOpenMetrics(MediaTypeHeaderValue range)
    {
        if (!range.MediaType.Equals(OpenMetricsMediaType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var parameter in range.Parameters)
        {
            if (parameter.Name.Equals("version", StringComparison.OrdinalIgnoreCase))
            {
                return parameter.Value.Equals(OpenMetricsVersion, StringComparison.Ordinal);
            }
        }

        return true;
    }
}
