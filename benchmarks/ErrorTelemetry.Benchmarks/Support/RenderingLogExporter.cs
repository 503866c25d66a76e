using System.Globalization;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace ErrorTelemetry.Benchmarks.Support;

/// <summary>
/// An exporter that reads each log record as the OTLP exporter serializes it, and sends nothing: the body, every
/// attribute value as text, and a record's exception as <c>exception.type</c>, <c>exception.message</c> and
/// <c>exception.stacktrace</c> (<see cref="Exception.ToString"/> in the invariant culture). With it, the bare SDK's
/// error log pays for rendering its exception, as it does in production; with ErrorTelemetry, the processor has
/// already rendered (and redacted) that text into attributes, which this exporter only reads.
/// </summary>
internal sealed class RenderingLogExporter : BaseExporter<LogRecord>
{
    private long _characters;

    /// <summary>Gets the number of characters read so far (keeps the work observable, so it is not optimized away).</summary>
    public long Characters => Interlocked.Read(ref _characters);

    public override ExportResult Export(in Batch<LogRecord> batch)
    {
        long characters = 0;
        foreach (var record in batch)
        {
            characters += record.Body?.Length ?? 0;
            if (record.Attributes is { } attributes)
            {
                for (var i = 0; i < attributes.Count; i++)
                {
                    characters += attributes[i].Key.Length + Format(attributes[i].Value).Length;
                }
            }

            if (record.Exception is { } exception)
            {
                characters += (exception.GetType().FullName?.Length ?? 0) + exception.Message.Length + Render(exception).Length;
            }
        }

        Interlocked.Add(ref _characters, characters);
        return ExportResult.Success;
    }

    private static string Format(object? value) => value switch
    {
        null => string.Empty,
        string text => text,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    // As OpenTelemetry's exporters do: the stack trace's fixed words ("at", "in", "line") in the invariant culture.
    private static string Render(Exception exception)
    {
        var culture = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
            return exception.ToString();
        }
        finally
        {
            CultureInfo.CurrentUICulture = culture;
        }
    }
}
