namespace ErrorTelemetry.Classification.Internal;

/// <summary>A short, stable grouping key for a failure.</summary>
internal static class Fingerprint
{
    public static string Compute(ErrorDefinition definition, Exception? exception)
    {
        // Placeholder until the fingerprint issue lands: stable, but not yet stack-aware.
        return definition.Code + (exception?.GetType().FullName ?? string.Empty);
    }
}
