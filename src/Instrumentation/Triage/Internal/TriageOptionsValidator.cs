using ErrorTelemetry.Health.Internal;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Triage.Internal;

/// <summary>Checks the triage options at start and says which key is wrong and how to fix it.</summary>
internal sealed class TriageOptionsValidator : IValidateOptions<ErrorTelemetryTriageOptions>
{
    public ValidateOptionsResult Validate(string? name, ErrorTelemetryTriageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string section = ErrorTelemetryTriageOptions.SectionName;
        var failures = new List<string>();

        var pathProblem = PathRule.Check(options.Path, TriageConstants.DefaultPath);
        if (pathProblem is not null)
        {
            failures.Add($"{section}:Path {pathProblem}.");
        }
        else if (options.Path.Length > 1 && options.Path[^1] == '/')
        {
            failures.Add($"{section}:Path is '{options.Path}' and must not end with '/': the catalog is served at the path followed by /catalog. Write it as '{options.Path.TrimEnd('/')}'.");
        }

        if (options.Window < TriageConstants.MinWindow || options.Window > TriageConstants.MaxWindow)
        {
            failures.Add($"{section}:Window is {options.Window:c} and must be between 1 minute and 24 hours, written as hh:mm:ss (e.g. 00:15:00).");
        }

        CheckRange(failures, nameof(options.MaxCodes), options.MaxCodes, TriageConstants.MinMaxCodes, TriageConstants.MaxMaxCodes, TriageConstants.DefaultMaxCodes);
        CheckRange(failures, nameof(options.SamplesPerCode), options.SamplesPerCode, TriageConstants.MinSamplesPerCode, TriageConstants.MaxSamplesPerCode, TriageConstants.DefaultSamplesPerCode);
        CheckRange(failures, nameof(options.MaxRoutesPerCode), options.MaxRoutesPerCode, TriageConstants.MinMaxRoutesPerCode, TriageConstants.MaxMaxRoutesPerCode, TriageConstants.DefaultMaxRoutesPerCode);

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

    private static void CheckRange(List<string> failures, string property, int value, int min, int max, int defaultValue)
    {
        if (value < min || value > max)
        {
            failures.Add(string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"{ErrorTelemetryTriageOptions.SectionName}:{property} is {value} and must be between {min} and {max} (the default is {defaultValue})."));
        }
    }
}
