namespace ErrorTelemetry.Triage.Internal;

/// <summary>Defaults and limits of <see cref="ErrorTelemetryTriageOptions"/>, shared by the options and their validator.</summary>
internal static class TriageConstants
{
    public const string DefaultPath = "/_errortelemetry/failures";

    public const int DefaultWindowMinutes = 15;

    public const int DefaultMaxCodes = 500;
    public const int MinMaxCodes = 1;
    public const int MaxMaxCodes = 10_000;

    public const int DefaultSamplesPerCode = 20;
    public const int MinSamplesPerCode = 1;
    public const int MaxSamplesPerCode = 200;

    public const int DefaultMaxRoutesPerCode = 50;
    public const int MinMaxRoutesPerCode = 1;
    public const int MaxMaxRoutesPerCode = 1_000;

    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(DefaultWindowMinutes);
    public static readonly TimeSpan MinWindow = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxWindow = TimeSpan.FromHours(24);
}
