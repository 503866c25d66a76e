namespace ErrorTelemetry.Health.Internal;

/// <summary>Defaults of <see cref="ErrorTelemetryHealthOptions"/>, shared by the options and their validator.</summary>
internal static class HealthConstants
{
    public const string DefaultLivePath = "/health/live";

    public const string DefaultReadyPath = "/health/ready";
}
