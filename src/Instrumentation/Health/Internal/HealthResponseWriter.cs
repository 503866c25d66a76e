using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ErrorTelemetry.Health.Internal;

/// <summary>
/// Writes a health report as JSON for machines: overall status, durations, and per check its name, status, tags
/// and a description. Never the exception or the check's data: a failing check's exception text (and the health
/// service copies it into the description) can carry a connection string, and these endpoints are anonymous.
/// </summary>
internal static class HealthResponseWriter
{
    private const string FailedWithException = "The check failed with an exception; see the service's own logs for details.";
    private const string TimedOut = "The check did not complete in time.";

    public static async Task Write(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store, no-cache";
        var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        await using (writer.ConfigureAwait(false))
        {
            WriteReport(writer, report);
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    internal static void WriteReport(Utf8JsonWriter writer, HealthReport report)
    {
        writer.WriteStartObject();
        writer.WriteString("status", StatusName(report.Status));
        writer.WriteNumber("totalDurationMs", Milliseconds(report.TotalDuration));
        writer.WriteStartArray("checks");
        foreach (var (name, entry) in report.Entries)
        {
            writer.WriteStartObject();
            writer.WriteString("name", name);
            writer.WriteString("status", StatusName(entry.Status));
            writer.WriteNumber("durationMs", Milliseconds(entry.Duration));
            var description = SafeDescription(entry);
            if (description is not null)
            {
                writer.WriteString("description", description);
            }

            writer.WriteStartArray("tags");
            foreach (var tag in entry.Tags)
            {
                writer.WriteStringValue(tag);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static string? SafeDescription(HealthReportEntry entry) => entry.Exception switch
    {
        null => entry.Description,
        OperationCanceledException => TimedOut,
        _ => FailedWithException,
    };

    private static string StatusName(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "Healthy",
        HealthStatus.Degraded => "Degraded",
        _ => "Unhealthy",
    };

    private static double Milliseconds(TimeSpan duration) => Math.Round(duration.TotalMilliseconds, 2);
}
