namespace ErrorTelemetry.Tests;

public class ErrorTelemetryVersionTests
{
    [Fact]
    public void LibraryVersion_IsAssemblyVersion_ThreeParts()
    {
        Assert.Matches(@"^\d+\.\d+\.\d+$", ErrorTelemetryVersion.LibraryVersion);
        Assert.StartsWith("https://", ErrorTelemetryVersion.SchemaUrl, StringComparison.Ordinal);
    }
}
