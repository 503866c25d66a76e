using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Examples;

/// <summary>
/// Who may read the triage endpoint in the examples: callers presenting the on-call API key in <c>X-Api-Key</c>.
/// A real service would use its own authentication (JWT bearer, mTLS) and an on-call role.
/// </summary>
public static class ExampleTriageAccess
{
    public const string Policy = "on-call";
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string DefaultKey = "demo-on-call-key";

    public static void Add(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Configuration["ErrorTelemetry:Triage:AuthorizationPolicy"] ??= Policy;
        builder.Services.AddAuthentication(SchemeName).AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(SchemeName, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy(Policy, p => p.RequireAuthenticatedUser().RequireRole("on-call"));
    }

    public static void Use(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAuthentication();
        app.UseAuthorization();
    }

    private sealed class ApiKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue(HeaderName, out var presented))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var expected = Context.RequestServices.GetService<Microsoft.Extensions.Configuration.IConfiguration>()?["Demo:OnCallApiKey"] ?? DefaultKey;
            if (!string.Equals(presented.ToString(), expected, StringComparison.Ordinal))
            {
                return Task.FromResult(AuthenticateResult.Fail("Invalid API key."));
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "on-call-engineer"), new Claim(ClaimTypes.Role, "on-call")], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
    }
}
