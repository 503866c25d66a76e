using ErrorTelemetry.Health.Internal;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Triage.Internal;

/// <summary>Checks the triage options at start and says which key is wrong and how to fix it.</summary>
internal sealed class TriageOptionsValidator : IValidateOptions<ErrorTelemetryTriageOptions>
{
    internal static readonly TimeSpan MinWindow = TimeSpan.FromMinutes(1);
    internal static readonly TimeSpan MaxWindow = TimeSpan.FromHours(24);

    public ValidateOptionsResult Validate(string? name, ErrorTelemetryTriageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string section = ErrorTelemetryTriageOptions.SectionName;
        var failures = new List<string>();

        var pathProblem = PathRule.Check(options.Path, "/_errortelemetry/failures");
        if (pathProblem is not null)
        {
            failures.Add($"{section}:Path {pathProblem}.");
        }
        else if (options.Path.Length > 1 && options.Path[^1] == '/')
        {
            failures.Add($"{section}:Path is '{options.Path}' and must not end with '/': the catalog is served at the path followed by /catalog. Write it as '{options.Path.TrimEnd('/')}'.");
        }

        if (options.Window < MinWindow || options.Window > MaxWindow)
        {
            failures.Add($"{section}:Window is {options.Window:c} and must be between 1 minute and 24 hours, written as hh:mm:ss (e.g. 00:15:00).");
        }

        if (options.MaxCodes is < 1 or > 10_000)
        {
            failures.Add($"{section}:MaxCodes is {options.MaxCodes} and must be between 1 and 10000 (the default is 500).");
        }

        if (options.SamplesPerCode is < 1 or > 200)
        {
            failures.Add($"{section}:SamplesPerCode is {options.SamplesPerCode} and must be between 1 and 200 (the default is 20).");
        }

        if (options.MaxRoutesPerCode is < 1 or > 1_000)
        {
            failures.Add($"{section}:MaxRoutesPerCode is {options.MaxRoutesPerCode} and must be between 1 and 1000 (the default is 50).");
        }

        if (options.AuthorizationPolicy is { } policy && policy.Length > 0 && string.IsNullOrWhiteSpace(policy))
        {
            failures.Add($"{section}:AuthorizationPolicy is blank. Set it to the name of an authorization policy the application registers, or remove it to turn the triage endpoints off.");
        }

        if (options.TraceLinkTemplate is { } template && TraceLinkTemplate.Check(template) is { } templateProblem)
        {
            failures.Add(templateProblem);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
