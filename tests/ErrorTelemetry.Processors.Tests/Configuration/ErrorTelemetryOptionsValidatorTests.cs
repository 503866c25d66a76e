using ErrorTelemetry.Configuration.Internal;

namespace ErrorTelemetry.Tests.Configuration;

public sealed class ErrorTelemetryOptionsValidatorTests : IDisposable
{
    private readonly string _contentRoot = Directory.CreateTempSubdirectory("errortelemetry-validator-").FullName;

    public void Dispose() => Directory.Delete(_contentRoot, recursive: true);

    [Fact]
    public void Validate_ValidOptions_Succeeds()
    {
        var result = new ErrorTelemetryOptionsValidator().Validate(null, new ErrorTelemetryOptions());

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Validate_InvalidOptions_FailsWithEveryProblem()
    {
        var options = new ErrorTelemetryOptions { CatalogFile = "missing.json" }.Map<TimeoutException>("ORDER_TIMEOUT");
        options.Catalog["db_timeout"] = new ErrorDefinitionOptions { Category = "Timeout", Title = "Timed out." };

        var result = new ErrorTelemetryOptionsValidator(_contentRoot).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(
            [
                $"ErrorTelemetry:CatalogFile: the catalog file '{Path.Combine(_contentRoot, "missing.json")}' does not exist",
                "ErrorTelemetry:Catalog:db_timeout: invalid code: it contains 'd'; codes are UPPER_SNAKE_CASE (A-Z, 0-9 and '_'), 3 to 63 characters long, and start with a letter",
                "ErrorTelemetryOptions.Map<TimeoutException>(\"ORDER_TIMEOUT\"): the code 'ORDER_TIMEOUT' is not in the catalog; define it in code (AddDefinition) or under ErrorTelemetry:Catalog",
            ],
            result.Failures);
    }

    [Fact]
    public void Validate_RelativeCatalogFile_IsResolvedAgainstTheContentRoot()
    {
        File.WriteAllText(Path.Combine(_contentRoot, "errors.json"), """{ "ORDER_TIMEOUT": { "Category": "Timeout", "Title": "Timed out." } }""");
        var options = new ErrorTelemetryOptions { CatalogFile = "errors.json" }.Map<TimeoutException>("ORDER_TIMEOUT");

        Assert.True(new ErrorTelemetryOptionsValidator(_contentRoot).Validate(null, options).Succeeded);
        Assert.True(new ErrorTelemetryOptionsValidator(null).Validate(null, options).Failed);
    }
}
