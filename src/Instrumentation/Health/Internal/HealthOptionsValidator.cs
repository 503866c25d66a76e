using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Health.Internal;

/// <summary>Checks the health options at start and says which key is wrong and how to fix it.</summary>
internal sealed class HealthOptionsValidator : IValidateOptions<ErrorTelemetryHealthOptions>
{
    public ValidateOptionsResult Validate(string? name, ErrorTelemetryHealthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        CheckPath(failures, nameof(options.LivePath), options.LivePath);
        CheckPath(failures, nameof(options.ReadyPath), options.ReadyPath);
        if (failures.Count == 0 && HealthPaths.Normalize(options.LivePath).Equals(HealthPaths.Normalize(options.ReadyPath), StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{ErrorTelemetryHealthOptions.SectionName}:LivePath and {ErrorTelemetryHealthOptions.SectionName}:ReadyPath are both '{options.LivePath}'. Give them different paths, e.g. {HealthConstants.DefaultLivePath} and {HealthConstants.DefaultReadyPath}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static void CheckPath(List<string> failures, string property, string? path)
    {
        var key = $"{ErrorTelemetryHealthOptions.SectionName}:{property}";
        var problem = PathRule.Check(path, HealthConstants.DefaultReadyPath);
        if (problem is not null)
        {
            failures.Add($"{key} {problem}, or set {ErrorTelemetryHealthOptions.SectionName}:Enabled to false to map no health endpoints.");
        }
    }
}

/// <summary>What a configurable endpoint path may look like: a literal path, no route parameters or query.</summary>
internal static class PathRule
{
    private static readonly System.Buffers.SearchValues<char> Forbidden = System.Buffers.SearchValues.Create("{}?#*\\ ");

    /// <summary>Returns null for a valid path, otherwise what is wrong, phrased to follow the configuration key.</summary>
    public static string? Check(string? path, string example)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return $"is empty. Set it to a path that starts with '/', e.g. {example}";
        }

        if (path[0] != '/')
        {
            return $"is '{path}' and must start with '/'. Write it as '/{path.TrimStart('/')}'";
        }

        if (path.Length == 1)
        {
            return $"is '/', which would shadow the application's root. Use a dedicated path such as {example}";
        }

        if (path.AsSpan().IndexOfAny(Forbidden) >= 0)
        {
            return $"is '{path}' and must be a literal path: no route parameters, query, fragment, spaces or backslashes";
        }

        return null;
    }
}
