using System.Diagnostics;
using OpenTelemetry.Logs;

namespace ErrorTelemetry.Benchmarks.Support;

/// <summary>What runs after enrichment in the real host (redaction); kept in one place so every pair measures it.</summary>
internal static class BenchmarkHooks
{
    public static Action<Activity>? AfterSpan(bool withErrorTelemetry) => null;

    public static Action<LogRecord>? AfterLog(bool withErrorTelemetry) => null;
}
