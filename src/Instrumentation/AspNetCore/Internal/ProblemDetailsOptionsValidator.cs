using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.AspNetCore.Internal;

/// <summary>Checks the problem-details options at start, naming the configuration key of each problem.</summary>
internal sealed class ProblemDetailsOptionsValidator(IServiceProvider services) : IValidateOptions<ErrorTelemetryProblemDetailsOptions>
{
    private const string Prefix = ErrorTelemetryProblemDetailsOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, ErrorTelemetryProblemDetailsOptions options)
    {
        List<string>? failures = null;
        if (!Uri.TryCreate(options.TypeBaseUri, UriKind.Absolute, out _))
        {
            (failures ??= []).Add(
                $"{Prefix}{nameof(options.TypeBaseUri)} is '{options.TypeBaseUri}', which is not an absolute URI. Use e.g. 'https://errors.example.com/' or 'urn:error:'.");
        }

        if (options.RetryAfterSeconds is < ProblemDetailsConstants.MinRetryAfterSeconds or > ProblemDetailsConstants.MaxRetryAfterSeconds)
        {
            (failures ??= []).Add(string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"{Prefix}{nameof(options.RetryAfterSeconds)} is {options.RetryAfterSeconds}; it must be between {ProblemDetailsConstants.MinRetryAfterSeconds} and {ProblemDetailsConstants.MaxRetryAfterSeconds} seconds (the default is {ProblemDetailsConstants.DefaultRetryAfterSeconds})."));
        }

        if (options.IncludeDiagnostics && string.IsNullOrWhiteSpace(options.DiagnosticsPolicy))
        {
            (failures ??= []).Add(
                $"{Prefix}{nameof(options.IncludeDiagnostics)} is true but {Prefix}{nameof(options.DiagnosticsPolicy)} is not set. Diagnostics are only ever shown to callers that pass an authorization policy: name one (and register it with AddAuthorization), or turn diagnostics off.");
        }

        if (!string.IsNullOrWhiteSpace(options.DiagnosticsPolicy) && !IsRegistered(options.DiagnosticsPolicy))
        {
            (failures ??= []).Add(
                $"{Prefix}{nameof(options.DiagnosticsPolicy)} is '{options.DiagnosticsPolicy}', which is not a registered authorization policy. Register it with builder.Services.AddAuthorization(o => o.AddPolicy(\"{options.DiagnosticsPolicy}\", ...)), or name a policy the application registers.");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private bool IsRegistered(string policy)
    {
        // A custom policy provider may make policies up on request; only the default one is known to list them all.
        var provider = services.GetService<IAuthorizationPolicyProvider>();
        if (provider is not null && provider.GetType() != typeof(DefaultAuthorizationPolicyProvider))
        {
            return true;
        }

        return services.GetService<IOptions<AuthorizationOptions>>()?.Value.GetPolicy(policy) is not null;
    }
}
