using ErrorTelemetry.Health.Internal;

namespace ErrorTelemetry.Tests.Health;

public class HealthOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed() =>
        Assert.True(new HealthOptionsValidator().Validate(null, new ErrorTelemetryHealthOptions()).Succeeded);

    [Fact]
    public void Validate_SamePathTwice_NamesBothKeys()
    {
        var result = new HealthOptionsValidator().Validate(null, new ErrorTelemetryHealthOptions { LivePath = "/health", ReadyPath = "/Health/" });

        Assert.Contains("ErrorTelemetry:Health:LivePath and ErrorTelemetry:Health:ReadyPath are both '/health'", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadLivePath_NamesKeyAndTheSwitchOff()
    {
        var result = new HealthOptionsValidator().Validate(null, new ErrorTelemetryHealthOptions { LivePath = "/health?x=1" });

        Assert.Contains("ErrorTelemetry:Health:LivePath is '/health?x=1' and must be a literal path", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("set ErrorTelemetry:Health:Enabled to false", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DisabledWithBadPaths_Succeed() =>
        Assert.True(new HealthOptionsValidator().Validate(null, new ErrorTelemetryHealthOptions { Enabled = false, LivePath = "x" }).Succeeded);
}
