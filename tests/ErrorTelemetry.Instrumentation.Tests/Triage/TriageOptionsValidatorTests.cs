using ErrorTelemetry.Triage.Internal;

namespace ErrorTelemetry.Tests.Triage;

public class TriageOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(new TriageOptionsValidator().Validate(null, new ErrorTelemetryTriageOptions()).Succeeded);
        Assert.True(new TriageOptionsValidator().Validate(null, new ErrorTelemetryTriageOptions { AuthorizationPolicy = "oncall", Window = TimeSpan.FromHours(24) }).Succeeded);
    }

    [Theory]
    [InlineData("failures", "ErrorTelemetry:Triage:Path is 'failures' and must start with '/'. Write it as '/failures'")]
    [InlineData("", "ErrorTelemetry:Triage:Path is empty")]
    [InlineData("/", "ErrorTelemetry:Triage:Path is '/', which would shadow the application's root")]
    [InlineData("/ops/{id}", "ErrorTelemetry:Triage:Path is '/ops/{id}' and must be a literal path")]
    [InlineData("/ops/failures/", "ErrorTelemetry:Triage:Path is '/ops/failures/' and must not end with '/'")]
    public void Validate_BadPath_NamesKeyAndFix(string path, string expected)
    {
        var result = new TriageOptionsValidator().Validate(null, new ErrorTelemetryTriageOptions { Path = path });

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0, 30)]
    [InlineData(24, 0, 1)]
    public void Validate_WindowOutOfRange_NamesKeyAndRange(int hours, int minutes, int seconds)
    {
        var result = new TriageOptionsValidator().Validate(null, new ErrorTelemetryTriageOptions { Window = new TimeSpan(hours, minutes, seconds) });

        Assert.Contains("ErrorTelemetry:Triage:Window is", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("must be between 1 minute and 24 hours", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LimitsOutOfRange_EachNamed()
    {
        var result = new TriageOptionsValidator().Validate(null, new ErrorTelemetryTriageOptions { MaxCodes = 0, SamplesPerCode = 1_000, MaxRoutesPerCode = -1, AuthorizationPolicy = "  " });

        Assert.Contains("ErrorTelemetry:Triage:MaxCodes is 0 and must be between 1 and 10000", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("ErrorTelemetry:Triage:SamplesPerCode is 1000 and must be between 1 and 200", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("ErrorTelemetry:Triage:MaxRoutesPerCode is -1 and must be between 1 and 1000", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("ErrorTelemetry:Triage:AuthorizationPolicy is blank", result.FailureMessage, StringComparison.Ordinal);
    }
}
