using ErrorTelemetry.Hosting.Internal;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Tests.Hosting;

[Collection(TestWebHost.Collection)]
public class ConfigurationCheckTests
{
    [Fact]
    public async Task Start_ValuesOfTheWrongType_EachReportedWithItsKeyAndFix()
    {
        var error = await StartAsync(new()
        {
            ["ErrorTelemetry:Catalog:OPERATION_TIMEOUT:HttpStatus"] = "abc",
            ["ErrorTelemetry:MaxFailureSeries"] = "abc",
            ["ErrorTelemetry:Triage:Window"] = "fifteen",
        });

        Assert.Equal(
            [
                "ErrorTelemetry:Catalog:OPERATION_TIMEOUT:HttpStatus 'abc' is not a whole number; write digits only, e.g. 500",
                "ErrorTelemetry:MaxFailureSeries 'abc' is not a whole number; write digits only, e.g. 500",
                "ErrorTelemetry:Triage:Window 'fifteen' is not a time span; write [d.]hh:mm:ss, e.g. 00:15:00 for fifteen minutes",
            ],
            error.Failures);
    }

    [Fact]
    public async Task Start_MisspeltKeys_ReportedWithTheClosestSetting()
    {
        var error = await StartAsync(new()
        {
            ["ErrorTelemetry:MaxFailureSries"] = "5",
            ["ErrorTelemetry:Triage:Windw"] = "00:05:00",
            ["ErrorTelemetry:Catalog:OPERATION_TIMEOUT:Ownr"] = "platform",
            ["ErrorTelemetry:Tracing"] = "on",
        });

        Assert.Equal(
            [
                "ErrorTelemetry:Catalog:OPERATION_TIMEOUT:Ownr is not an ErrorTelemetry setting; did you mean Owner?",
                "ErrorTelemetry:MaxFailureSries is not an ErrorTelemetry setting; did you mean MaxFailureSeries?",
                "ErrorTelemetry:Tracing is not an ErrorTelemetry setting; the settings here are Catalog, CatalogFile, Correlation, CountUncodedErrorLogs, DeploymentEnvironment, ExportOtlp, Health, MaxFailureSeries, OtlpDiskRetryDirectory, ProblemDetails, Redaction, ServiceName, ServiceVersion, Triage",
                "ErrorTelemetry:Triage:Windw is not an ErrorTelemetry setting; did you mean Window?",
            ],
            error.Failures);
    }

    [Fact]
    public async Task Start_ProblemsInSeveralSections_AllReportedAtOnceOneLineEach()
    {
        var error = await StartAsync(new()
        {
            ["ErrorTelemetry:Catalog:PAYMENT_DECLINED:Category"] = "Payments",
            ["ErrorTelemetry:Catalog:PAYMENT_DECLINED:Title"] = "Declined.",
            ["ErrorTelemetry:Triage:MaxCodes"] = "0",
            ["ErrorTelemetry:Health:LivePath"] = "live",
        });

        var lines = error.Message.Split(Environment.NewLine);
        Assert.Equal("The ErrorTelemetry configuration has 3 problems; fix each and restart:", lines[0]);
        Assert.Equal(error.Failures, lines[1..]);
        Assert.Contains(error.Failures, f => f.StartsWith("ErrorTelemetry:Catalog:PAYMENT_DECLINED:Category 'Payments' is not a category", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("ErrorTelemetry:Triage:MaxCodes", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("ErrorTelemetry:Health:LivePath", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("MaxFailureSries", "MaxFailureSeries")]
    [InlineData("catalogfile", "CatalogFile")]
    [InlineData("Somethingelse", null)]
    public void Closest_Misspelling_IsTheNearestKeyOrNone(string key, string? expected)
    {
        Assert.Equal(expected, ConfigurationCheck.Closest(key, ["MaxFailureSeries", "CatalogFile", "Catalog"]));
    }

    private static async Task<OptionsValidationException> StartAsync(Dictionary<string, string?> settings) =>
        await Assert.ThrowsAnyAsync<OptionsValidationException>(() => TestWebHost.StartAsync(app => app.MapGet("/", () => "ok"), settings: settings));
}
