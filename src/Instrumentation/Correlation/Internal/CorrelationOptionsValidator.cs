using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Correlation.Internal;

/// <summary>Checks the correlation options at start and says which key is wrong and how to fix it.</summary>
internal sealed class CorrelationOptionsValidator : IValidateOptions<CorrelationOptions>
{
    public ValidateOptionsResult Validate(string? name, CorrelationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return CorrelationRegistration.IsHeaderName(options.HeaderName)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{CorrelationOptions.SectionName}:HeaderName must be an HTTP header name (letters, digits and !#$%&'*+-.^_`|~, at most 64 characters), e.g. {CorrelationIds.DefaultHeaderName}.");
    }
}
