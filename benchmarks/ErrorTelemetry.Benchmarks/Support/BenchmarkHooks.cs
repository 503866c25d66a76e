using ErrorTelemetry.Redaction.Internal;

namespace ErrorTelemetry.Benchmarks.Support;

/// <summary>
/// What runs after enrichment in the real host: redaction of every span and log record, and of exception text, by a
/// <see cref="Redactor"/> built from default <see cref="RedactionOptions"/>. Built here exactly as
/// <c>AddErrorTelemetry()</c> builds it, so every "ours" case pays what a user pays.
/// </summary>
internal static class BenchmarkHooks
{
    public static Redactor CreateRedactor() => new(new RedactionOptions());
}
