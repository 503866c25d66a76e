using ErrorTelemetry.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Tests.AspNetCore;

[Collection(TestWebHost.Collection)]
public class ErrorTelemetryProblemDetailsOptionsTests
{
    [Theory]
    [InlineData("TypeBaseUri", "errors/here", "ErrorTelemetry:ProblemDetails:TypeBaseUri is 'errors/here', which is not an absolute URI")]
    [InlineData("RetryAfterSeconds", "0", "ErrorTelemetry:ProblemDetails:RetryAfterSeconds is 0")]
    [InlineData("IncludeDiagnostics", "true", "ErrorTelemetry:ProblemDetails:IncludeDiagnostics is true but ErrorTelemetry:ProblemDetails:DiagnosticsPolicy is not set")]
    public async Task Validate_InvalidSetting_HostDoesNotStartAndTheMessageNamesTheKey(string key, string value, string expected)
    {
        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => TestWebHost.StartAsync(
            app => app.MapGet("/", () => "ok"),
            settings: new Dictionary<string, string?> { ["ErrorTelemetry:ProblemDetails:" + key] = value }));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_AreDocumentedValues()
    {
        var options = new ErrorTelemetryProblemDetailsOptions();

        Assert.Equal("urn:error:", options.TypeBaseUri);
        Assert.Equal(30, options.RetryAfterSeconds);
        Assert.False(options.IncludeDiagnostics);
        Assert.Null(options.DiagnosticsPolicy);
        Assert.True(options.HtmlErrorPages);
        Assert.True(options.UseRunbookUrlAsType);
    }
}
