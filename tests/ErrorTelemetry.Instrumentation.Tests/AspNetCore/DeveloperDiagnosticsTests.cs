using System.Text.Json;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Tests.AspNetCore;

/// <summary>Diagnostics need both locks: configuration on, and a caller that passes the policy.</summary>
[Collection(TestWebHost.Collection)]
public class DeveloperDiagnosticsTests
{
    private const string Secret = "jane.doe@example.com";

    private static readonly Dictionary<string, string?> Enabled = new()
    {
        ["ErrorTelemetry:ProblemDetails:IncludeDiagnostics"] = "true",
        ["ErrorTelemetry:ProblemDetails:DiagnosticsPolicy"] = "Diagnostics",
    };

    [Fact]
    public async Task AllowedAsync_EnabledAndCallerPassesThePolicy_TypeRedactedMessageAndStack()
    {
        await using var host = await StartAsync(Enabled);

        using var response = await SendAsync(host, user: "dev", roles: "developer");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(500, (int)response.StatusCode);
        var exception = JsonDocument.Parse(body).RootElement.GetProperty("exception");
        Assert.Equal("System.InvalidOperationException", exception.GetProperty("type").GetString());
        Assert.Contains("Lookup failed for", exception.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("[REDACTED:email]", exception.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains(nameof(DeveloperDiagnosticsTests), exception.GetProperty("stackTrace").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllowedAsync_EnabledButCallerLacksThePolicy_NoDiagnostics()
    {
        await using var host = await StartAsync(Enabled);

        using var signedIn = await SendAsync(host, user: "bob", roles: "support");
        var signedInBody = await signedIn.Content.ReadAsStringAsync();
        using var anonymous = await SendAsync(host, user: null, roles: null);
        var anonymousBody = await anonymous.Content.ReadAsStringAsync();

        Assert.Equal(500, (int)signedIn.StatusCode);
        Assert.False(JsonDocument.Parse(signedInBody).RootElement.TryGetProperty("exception", out _));
        Assert.DoesNotContain("InvalidOperationException", signedInBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Lookup failed", signedInBody, StringComparison.Ordinal);
        Assert.Equal(500, (int)anonymous.StatusCode);
        Assert.False(JsonDocument.Parse(anonymousBody).RootElement.TryGetProperty("exception", out _));
    }

    [Fact]
    public async Task AllowedAsync_CallerPassesThePolicyButDiagnosticsOff_NoDiagnostics()
    {
        await using var host = await StartAsync(new Dictionary<string, string?> { ["ErrorTelemetry:ProblemDetails:DiagnosticsPolicy"] = "Diagnostics" });

        using var response = await SendAsync(host, user: "dev", roles: "developer");
        var body = await response.Content.ReadAsStringAsync();

        Assert.False(JsonDocument.Parse(body).RootElement.TryGetProperty("exception", out _));
        Assert.DoesNotContain("Lookup failed", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PolicyNotRegistered_HostDoesNotStartAndTheMessageNamesTheKey()
    {
        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => StartAsync(new Dictionary<string, string?>
        {
            ["ErrorTelemetry:ProblemDetails:IncludeDiagnostics"] = "true",
            ["ErrorTelemetry:ProblemDetails:DiagnosticsPolicy"] = "NoSuchPolicy",
        }));

        Assert.Equal(
            ["ErrorTelemetry:ProblemDetails:DiagnosticsPolicy is 'NoSuchPolicy', which is not a registered authorization policy. Register it with builder.Services.AddAuthorization(o => o.AddPolicy(\"NoSuchPolicy\", ...)), or name a policy the application registers."],
            error.Failures);
    }

    private static Task<TestWebHost> StartAsync(Dictionary<string, string?> settings) =>
        TestWebHost.StartAsync(
            app => app.MapGet("/crash", string () => throw new InvalidOperationException($"Lookup failed for {Secret}")),
            services: b => TestAuthentication.Add(b.Services, ("Diagnostics", "developer")),
            settings: settings);

    private static async Task<HttpResponseMessage> SendAsync(TestWebHost host, string? user, string? roles)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/crash");
        if (user is not null)
        {
            request.Headers.Add(TestAuthentication.UserHeader, user);
            request.Headers.Add(TestAuthentication.RolesHeader, roles);
        }

        return await host.Client.SendAsync(request);
    }
}
