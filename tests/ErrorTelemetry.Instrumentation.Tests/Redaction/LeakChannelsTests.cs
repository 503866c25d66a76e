using System.Diagnostics;
using System.Net;
using System.Text;
using ErrorTelemetry.Tests.TestSupport.Otlp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ErrorTelemetry.Tests.Redaction;

/// <summary>
/// Channels a secret took around the redaction of attribute values: the resource, a char[] tag, the failure
/// metric's operation label, the problem's instance and log attribute keys. One application (Kestrel on
/// 127.0.0.1, the real OTLP exporter, the console logger) runs once; each test asserts what left the process.
/// </summary>
[Collection(ConsoleCaptureGroup.Name)]
public class LeakChannelsTests(LeakChannelsRun run) : IClassFixture<LeakChannelsRun>
{
    public static TheoryData<string> SecretNames => [.. LeakChannelsRun.Secrets.Keys];

    [Theory]
    [MemberData(nameof(SecretNames))]
    public void EveryChannel_Secret_Absent(string name)
    {
        var secret = LeakChannelsRun.Secrets[name];
        Assert.NotEmpty(run.Otlp.Requests);
        foreach (var request in run.Otlp.Requests)
        {
            AssertAbsent(secret, Encoding.Latin1.GetString(request.Body), $"OTLP {request.Path} body");
            AssertAbsent(secret, request.Message?.ToString() ?? string.Empty, $"decoded OTLP {request.Path}");
        }

        foreach (var (label, body) in run.Responses)
        {
            AssertAbsent(secret, body, $"response body of {label}");
        }

        AssertAbsent(secret, run.Console, "console output");
    }

    [Fact]
    public void ResourceAttributes_SecretsInKeysAndValues_RedactedOthersKept()
    {
        var resource = run.Resource;
        Assert.Equal("[REDACTED:email]", resource["deployment.contact"]);
        Assert.Equal("[REDACTED:token]", resource["vcs.auth.token"]);
        Assert.Equal("[REDACTED:password]", resource["db.password"]);
        Assert.Equal("eu-west", resource["cloud.region"]);
        Assert.Equal("storefront", resource["service.name"]);
    }

    [Fact]
    public void CharArrayTagAndContext_Exported_ScannedAsText()
    {
        var span = run.ServerSpan("/chars");
        Assert.Equal("notify [REDACTED:email]", span.Attributes["app.note"]);
        Assert.Equal("[REDACTED:email]", span.Attributes["error.context.contact"]);
        Assert.Equal("raw [REDACTED:email]", span.Attributes["error.context.raw"]);
    }

    [Fact]
    public void DisplayNameSetByApplication_FailureCounted_UnderRouteTemplate()
    {
        var operations = run.Otlp.MetricPoints
            .Where(p => p.MetricName == "errortelemetry.failures")
            .Select(p => p.Attributes["operation"])
            .ToHashSet();
        Assert.Contains("POST /checkout", operations);
        Assert.All(operations, o => Assert.DoesNotContain("@", (string)o!, StringComparison.Ordinal));
    }

    [Fact]
    public void ProblemInstance_EmailAndCardInPath_Redacted()
    {
        var body = run.Responses["GET /users/by-email"];
        Assert.Contains("\"instance\":\"/users/[REDACTED:email]/orders\"", body, StringComparison.Ordinal);
        Assert.Contains("\"instance\":\"/cards/[REDACTED:card]\"", run.Responses["GET /cards"], StringComparison.Ordinal);
    }

    [Fact]
    public void LogAttributes_UserIdSpellings_Pseudonymized()
    {
        var log = Assert.Single(run.Otlp.LogRecords, l => l.Attributes.ContainsKey("UserId"));
        var pseudonym = Assert.IsType<string>(log.Attributes["UserId"]);
        Assert.StartsWith("pseu_", pseudonym, StringComparison.Ordinal);
        Assert.Equal(pseudonym, log.Attributes["user_id"]);
        Assert.Equal(pseudonym, log.Attributes["userId"]);
        Assert.StartsWith("pseu_", (string)log.Attributes["customerId"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void LogAttributes_SensitiveKeySpellings_Replaced()
    {
        var log = Assert.Single(run.Otlp.LogRecords, l => l.Attributes.ContainsKey("passwordConfirmation"));
        foreach (var key in LeakChannelsRun.SensitiveKeys)
        {
            Assert.StartsWith("[REDACTED:", (string)log.Attributes[key]!, StringComparison.Ordinal);
        }
    }

    private static void AssertAbsent(string secret, string text, string where)
    {
        var index = text.IndexOf(secret, StringComparison.Ordinal);
        if (index >= 0)
        {
            var start = Math.Max(0, index - 120);
            var end = Math.Min(text.Length, index + secret.Length + 120);
            Assert.Fail($"'{secret}' leaked into {where}: …{text[start..end]}…");
        }
    }
}

/// <summary>Runs the application once, sends its requests, stops it and keeps what left the process.</summary>
public sealed class LeakChannelsRun : IAsyncLifetime
{
    public const string ContactEmail = "ops.lead@corp-mail.example";
    public const string GitHubToken = "ghp_R4nd0mT0kenValue1234567890abcdefABCD";
    public const string ResourcePassword = "Res0urce-Pa55!";
    public const string NoteEmail = "chars.user@customer-mail.com";
    public const string ContextEmail = "ctx.chars@customer-mail.com";
    public const string RawContextEmail = "raw.chars@customer-mail.com";
    public const string DisplayEmail = "root.name@customer-mail.com";
    public const string PathEmail = "path.owner@customer-mail.com";
    public const string PathCard = "4111111111111111";
    public const string UserId = "user-0815-jane";
    public const string CustomerId = "cust-4711-jane";
    public const string KeyedSecret = "Pr1vate-Value-77";
    public const string PseudonymizationKey = "leak-channels-pseudonymization-key-0123";

    /// <summary>Log attribute keys whose value must be replaced whole.</summary>
    public static readonly string[] SensitiveKeys =
    [
        "passwordConfirmation", "pass", "Ocp-Apim-Subscription-Key", "X-Functions-Key", "X-Client-Key", "sid", ".AspNetCore.Cookies",
    ];

    public static readonly IReadOnlyDictionary<string, string> Secrets = new Dictionary<string, string>
    {
        ["resource e-mail"] = ContactEmail,
        ["resource token"] = GitHubToken,
        ["resource password"] = ResourcePassword,
        ["char[] tag e-mail"] = NoteEmail,
        ["char[] context e-mail"] = ContextEmail,
        ["raw context e-mail"] = RawContextEmail,
        ["display name e-mail"] = DisplayEmail,
        ["path e-mail"] = PathEmail,
        ["path card"] = PathCard,
        ["user id"] = UserId,
        ["customer id"] = CustomerId,
        ["value under a sensitive key"] = KeyedSecret,
    };

    private readonly Dictionary<string, string> _responses = [];

    internal OtlpTestReceiver Otlp { get; private set; } = null!;

    public string Console { get; private set; } = string.Empty;

    public IReadOnlyDictionary<string, string> Responses => _responses;

    /// <summary>Gets the resource attributes of the first span export.</summary>
    internal IReadOnlyDictionary<string, object?> Resource => Otlp.Spans[0].ResourceAttributes;

    internal ReceivedSpan ServerSpan(string route) =>
        Assert.Single(Otlp.Spans, s => s.Kind == ActivityKind.Server && Equals(s.Attributes.GetValueOrDefault("http.route"), route));

    public async Task InitializeAsync()
    {
        Otlp = await OtlpTestReceiver.StartAsync();
        var originalOut = System.Console.Out;
        var captured = new StringWriter();
        System.Console.SetOut(TextWriter.Synchronized(captured));
        try
        {
            await RunApplicationAsync();
        }
        finally
        {
            System.Console.SetOut(originalOut);
        }

        Console = captured.ToString();
    }

    public async Task DisposeAsync() => await Otlp.DisposeAsync();

    private async Task RunApplicationAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Otlp.Endpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "storefront",
            ["OTEL_RESOURCE_ATTRIBUTES"] =
                $"deployment.contact={Uri.EscapeDataString(ContactEmail)},vcs.auth.token={GitHubToken},db.password={ResourcePassword},cloud.region=eu-west",
            ["ErrorTelemetry:Redaction:PseudonymizationKey"] = PseudonymizationKey,
            ["Logging:Console:FormatterName"] = "simple",
            ["Logging:Console:FormatterOptions:ColorBehavior"] = "Disabled",
        });
        builder.AddErrorTelemetry();

        await using var app = builder.Build();
        app.UseErrorTelemetry();
        MapEndpoints(app);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());

        using var client = new HttpClient { BaseAddress = address };
        await SendAsync(client, HttpMethod.Get, "/chars", "GET /chars");
        await SendAsync(client, HttpMethod.Post, "/checkout", "POST /checkout");
        await SendAsync(client, HttpMethod.Get, $"/users/{PathEmail}/orders", "GET /users/by-email");
        await SendAsync(client, HttpMethod.Get, $"/cards/{PathCard}", "GET /cards");
        await SendAsync(client, HttpMethod.Get, "/keys", "GET /keys");
        await app.StopAsync();
    }

    private async Task SendAsync(HttpClient client, HttpMethod method, string path, string label)
    {
        using var request = new HttpRequestMessage(method, path);
        using var response = await client.SendAsync(request);
        _responses[label] = await response.Content.ReadAsStringAsync();
    }

#pragma warning disable CA1873 // The logged values are the leaks under test.
    private static void MapEndpoints(WebApplication app)
    {
        app.MapGet("/chars", IResult () =>
        {
            Activity.Current?.SetTag("app.note", ("notify " + NoteEmail).ToCharArray());
            var exception = new InvalidOperationException("Notification failed").WithContext("contact", ContextEmail.ToCharArray());
            exception.Data["ErrorTelemetry.Context.raw"] = ("raw " + RawContextEmail).ToCharArray();
            throw exception;
        });

        app.MapPost("/checkout", IResult () =>
        {
            Activity.Current!.DisplayName = "checkout for " + DisplayEmail;
            throw new TimeoutException("Payment provider did not answer");
        });

        app.MapGet("/users/{email}/orders", IResult (string email) => throw new InvalidOperationException("No orders"));

        app.MapGet("/cards/{number}", IResult (string number) => throw new InvalidOperationException("Card lookup failed"));

        app.MapGet("/keys", (ILogger<LeakChannelsRun> logger) =>
        {
            logger.LogInformation(
                "Signed in {UserId} {user_id} {userId} {customerId}",
                UserId,
                UserId,
                UserId,
                CustomerId);
            logger.LogInformation(
                "Headers {passwordConfirmation} {pass} {Ocp-Apim-Subscription-Key} {X-Functions-Key} {X-Client-Key} {sid} {.AspNetCore.Cookies}",
                KeyedSecret,
                KeyedSecret,
                KeyedSecret,
                KeyedSecret,
                KeyedSecret,
                KeyedSecret,
                KeyedSecret);
            return Results.NoContent();
        });
    }
#pragma warning restore CA1873
}
