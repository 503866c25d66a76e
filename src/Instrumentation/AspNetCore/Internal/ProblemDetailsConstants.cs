namespace ErrorTelemetry.AspNetCore.Internal;

/// <summary>Defaults and limits of <see cref="ErrorTelemetryProblemDetailsOptions"/>, shared by the options and their validator.</summary>
internal static class ProblemDetailsConstants
{
    public const string DefaultTypeBaseUri = "urn:error:";

    public const int DefaultRetryAfterSeconds = 30;
    public const int MinRetryAfterSeconds = 1;
    public const int MaxRetryAfterSeconds = 86_400;
}
