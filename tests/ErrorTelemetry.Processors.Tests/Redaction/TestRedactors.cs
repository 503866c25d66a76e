using ErrorTelemetry.Redaction.Internal;

namespace ErrorTelemetry.Tests.Redaction;

internal static class TestRedactors
{
    public const string PseudonymizationKey = "test-pseudonymization-key-0123456789";

    public static Redactor Default { get; } = new(new RedactionOptions());

    public static Redactor WithKey { get; } = Create(o => o.PseudonymizationKey = PseudonymizationKey);

    public static Redactor Create(Action<RedactionOptions> configure)
    {
        var options = new RedactionOptions();
        configure(options);
        return new Redactor(options);
    }
}
