using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ErrorTelemetry.Tests.Redaction;

/// <summary>
/// Microsoft.Extensions.Compliance.Redaction's <c>EnableRedaction()</c> brings its own logger factory. ErrorTelemetry
/// composes with it: the factory stays, its providers write redacted text, and classified data gets the pseudonym a
/// user id gets in spans.
/// </summary>
public class RedactionServiceCollectionExtensionsTests
{
    private const string PseudonymizationKey = "compliance-pseudonymization-key-0123456789";

    [Fact]
    public async Task AddErrorTelemetry_EnableRedactionCalledFirst_ProvidersWriteRedactedTextThroughItsFactory()
    {
        var recording = new RecordingLoggerProvider();
        var builder = CreateBuilder(recording);
        builder.Logging.EnableRedaction();
        builder.AddErrorTelemetry();
        builder.Logging.EnableRedaction();

        using var host = builder.Build();
        await host.StartAsync();
        host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Shop").LogWarning("Customer {Email} not found", "bob@example.com");
        await host.StopAsync();

        Assert.Equal("Microsoft.Extensions.Logging.ExtendedLoggerFactory", host.Services.GetRequiredService<ILoggerFactory>().GetType().FullName);
        Assert.Single(host.Services.GetServices<ILoggerFactory>());
        Assert.Contains("Customer [REDACTED:email] not found", recording.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("bob@example.com", recording.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddErrorTelemetry_EnableRedactionCalledAfter_StartFailsNamingTheFix()
    {
        var builder = CreateBuilder(new RecordingLoggerProvider());
        builder.AddErrorTelemetry();
        builder.Logging.EnableRedaction();

        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains("Call builder.Logging.EnableRedaction() before builder.AddErrorTelemetry()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddErrorTelemetry_ClassifiedData_SamePseudonymAsUserIdAttribute()
    {
        var builder = CreateBuilder(new RecordingLoggerProvider());
        builder.Logging.EnableRedaction();
        builder.AddErrorTelemetry();

        using var host = builder.Build();
        var classified = host.Services.GetRequiredService<IRedactorProvider>()
            .GetRedactor(new DataClassification("Shop", "PrivateData"))
            .Redact("user-0815-jane");
        var attribute = host.Services.GetRequiredService<ErrorTelemetry.Redaction.Internal.Redactor>().RedactAttribute("user.id", "user-0815-jane", out _);

        Assert.StartsWith("pseu_", classified, StringComparison.Ordinal);
        Assert.Equal(attribute, classified);
    }

    private static HostApplicationBuilder CreateBuilder(RecordingLoggerProvider recording)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ErrorTelemetry:Redaction:PseudonymizationKey"] = PseudonymizationKey,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(recording);
        return builder;
    }
}
