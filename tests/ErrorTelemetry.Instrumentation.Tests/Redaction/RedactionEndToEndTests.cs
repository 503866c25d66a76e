using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using ErrorTelemetry.Tests.TestSupport.Otlp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ErrorTelemetry.Tests.Redaction;

/// <summary>
/// One realistic leak corpus sent through a real application: Kestrel on 127.0.0.1, <c>AddErrorTelemetry()</c> and
/// <c>UseErrorTelemetry()</c>, the default console logger, and the real OTLP exporter (configured only through the
/// standard OTEL_* keys) sending to a receiver that keeps the raw protobuf. The scenario runs once (see
/// <see cref="LeakCorpusRun"/>); each test asserts one thing about what left the process.
/// </summary>
[Collection(ConsoleCaptureGroup.Name)]
public class RedactionEndToEndTests(LeakCorpusRun run) : IClassFixture<LeakCorpusRun>
{
    public static TheoryData<string> SecretNames => [.. LeakCorpusRun.Secrets.Keys];

    [Theory]
    [MemberData(nameof(SecretNames))]
    public void OtlpRequestBodies_LeakCorpus_SecretAbsentFromRawBytes(string name)
    {
        var secret = LeakCorpusRun.Secrets[name];
        Assert.NotEmpty(run.Otlp.Requests);
        foreach (var request in run.Otlp.Requests)
        {
            // The decompressed protobuf read as text both ways: UTF-8 (what a backend decodes) and Latin-1 (one
            // char per byte, so nothing is lost to replacement characters); the wire bytes too, in case they were
            // not compressed.
            AssertAbsent(secret, Encoding.UTF8.GetString(request.Body), $"OTLP {request.Path} body (UTF-8)");
            AssertAbsent(secret, Encoding.Latin1.GetString(request.Body), $"OTLP {request.Path} body (bytes)");
            AssertAbsent(secret, Encoding.Latin1.GetString(request.WireBody), $"OTLP {request.Path} wire body");
        }
    }

    [Theory]
    [MemberData(nameof(SecretNames))]
    public void OtlpDecodedData_LeakCorpus_SecretAbsentFromEveryField(string name)
    {
        var secret = LeakCorpusRun.Secrets[name];
        foreach (var request in run.Otlp.Requests)
        {
            AssertAbsent(secret, request.Message?.ToString() ?? string.Empty, $"decoded OTLP {request.Path}");
        }
    }

    [Theory]
    [MemberData(nameof(SecretNames))]
    public void HttpResponses_LeakCorpus_SecretAbsentFromHeadersAndBodies(string name)
    {
        var secret = LeakCorpusRun.Secrets[name];
        foreach (var (label, response) in run.Responses)
        {
            if ((name, label) != LeakCorpusRun.EchoedToSender)
            {
                AssertAbsent(secret, response.Headers, $"response headers of {label}");
            }

            AssertAbsent(secret, response.Body, $"response body of {label}");
        }
    }

    [Theory]
    [MemberData(nameof(SecretNames))]
    public void ConsoleOutput_LeakCorpus_SecretAbsent(string name)
    {
        Assert.Contains("Microsoft.AspNetCore.Hosting.Diagnostics", run.Console, StringComparison.Ordinal);
        AssertAbsent(LeakCorpusRun.Secrets[name], run.Console, "console output");
    }

    [Fact]
    public void Exporter_AllRequestsAccepted_EverySignalArrived()
    {
        Assert.All(run.Otlp.Requests, r => Assert.Equal(200, r.StatusCode));
        Assert.Contains(run.Otlp.Requests, r => r.Signal == OtlpSignal.Traces);
        Assert.Contains(run.Otlp.Requests, r => r.Signal == OtlpSignal.Logs);
        Assert.Contains(run.Otlp.Requests, r => r.Signal == OtlpSignal.Metrics);
    }

    [Fact]
    public void UnhandledExceptionWithEmail_Exported_MessageKeptEmailReplaced()
    {
        var span = run.ServerSpan("/customers/{id:int}");
        Assert.Equal(LeakCorpusRun.TraceId, span.TraceId);
        Assert.Equal("UNCLASSIFIED", span.Attributes["error.code"]);
        Assert.Equal(500L, span.Attributes["http.response.status_code"]);
        var exception = Assert.Single(span.Events, e => e.Name == "exception");
        Assert.Equal("Lookup failed for [REDACTED:email]", exception.Attributes["exception.message"]);
        Assert.Equal("System.InvalidOperationException", exception.Attributes["exception.type"]);

        var log = Assert.Single(run.Otlp.LogRecords, l => l.TraceId == LeakCorpusRun.TraceId && l.Attributes.ContainsKey("exception.message"));
        Assert.Equal("Lookup failed for [REDACTED:email]", log.Attributes["exception.message"]);
        Assert.Contains("System.InvalidOperationException: Lookup failed for [REDACTED:email]", (string)log.Attributes["exception.stacktrace"]!, StringComparison.Ordinal);

        Assert.Contains("System.InvalidOperationException: Lookup failed for [REDACTED:email]", run.Console, StringComparison.Ordinal);

        var response = run.Responses["GET /customers/42"];
        Assert.Equal(HttpStatusCode.InternalServerError, response.Status);
        Assert.Contains("application/problem+json", response.Headers, StringComparison.Ordinal);
        Assert.Contains("\"UNCLASSIFIED\"", response.Body, StringComparison.Ordinal);
        Assert.Contains(LeakCorpusRun.TraceId, response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void LoggedRequestBodyWithCard_Exported_BodyKeptCardReplaced()
    {
        const string Expected = "{\"orderNumber\":\"ORD-2025-000123\",\"card\":\"[REDACTED:card]\",\"name\":\"Jane\"}";
        var log = Assert.Single(run.Otlp.LogRecords, l => l.Attributes.ContainsKey("Body"));
        Assert.Equal(Expected, log.Attributes["Body"]);
        Assert.Equal("Body {Body}", log.Body);
        Assert.Contains("Body " + Expected, run.Console, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, run.Responses["POST /orders"].Status);
        Assert.Contains("ORD-2025-000123", run.Responses["POST /orders"].Body, StringComparison.Ordinal);
    }

    [Fact]
    public void TokenInRequestUrl_Exported_QueryParameterValueReplaced()
    {
        var span = run.ServerSpan("/search");
        Assert.Equal("/search", span.Attributes["url.path"]);
        Assert.Equal("q=shoes&token=[REDACTED]", span.Attributes["url.query"]);
        Assert.Equal(run.BaseAddress + "search?q=shoes&token=[REDACTED]", span.Attributes["url.full"]);

        // The hosting diagnostics logger prints the whole request URL to the console.
        Assert.Contains("Request starting HTTP/1.1 GET " + run.BaseAddress + "search?q=shoes&token=[REDACTED]", run.Console, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, run.Responses["GET /search"].Status);
    }

    [Fact]
    public void ApiKeyInOutgoingUrl_ClientSpanExported_HostAndPathKept()
    {
        var client = Assert.Single(run.Otlp.Spans, s => s.Kind == ActivityKind.Client && s.TraceId == run.SearchTraceId);
        var url = (string)client.Attributes["url.full"]!;
        Assert.StartsWith(run.BaseAddress.ToString().TrimEnd('/') + "/partner/quote?", url, StringComparison.Ordinal);
        Assert.DoesNotContain(LeakCorpusRun.ApiKey, url, StringComparison.Ordinal);
        Assert.Equal(200L, client.Attributes["http.response.status_code"]);

        var partnerUrl = run.BaseAddress + "partner/quote?sku=A-100&api_key=[REDACTED]";
        var log = Assert.Single(run.Otlp.LogRecords, l => l.Attributes.ContainsKey("PartnerUrl"));
        Assert.Equal(partnerUrl, log.Attributes["PartnerUrl"]);
        Assert.Equal(run.SearchTraceId, log.TraceId);
        Assert.Contains("Calling partner " + partnerUrl, run.Console, StringComparison.Ordinal);
        Assert.Equal(partnerUrl, run.ServerSpan("/partner/quote").Attributes["url.full"]);
        Assert.Contains("\"price\":12.5", run.Responses["GET /search"].Body, StringComparison.Ordinal);
    }

    [Fact]
    public void EmailInUrlPath_Exported_PathKeptEmailReplaced()
    {
        var span = run.ServerSpan("/customers/by-email/{email}");
        Assert.Equal("GET /customers/by-email/{email}", span.Name);
        Assert.Equal("/customers/by-email/[REDACTED:email]", span.Attributes["url.path"]);
        Assert.Equal(run.BaseAddress + "customers/by-email/[REDACTED:email]", span.Attributes["url.full"]);
        Assert.Contains("GET " + run.BaseAddress + "customers/by-email/[REDACTED:email]", run.Console, StringComparison.Ordinal);
        Assert.Contains("RequestPath:/customers/by-email/[REDACTED:email]", run.Console, StringComparison.Ordinal);
    }

    [Fact]
    public void AuthorizationHeaderTag_Exported_ValueReplacedKeyKept()
    {
        var span = run.ServerSpan("/search");
        Assert.Equal("[REDACTED:authorization]", span.Attributes["http.request.header.authorization"]);
    }

    [Fact]
    public void DbExceptionWithConnectionString_ThrownAndLogged_PasswordReplacedRestKept()
    {
        const string Expected = "Login failed. Server=db;User Id=app;Password=[REDACTED:password];";
        var logged = Assert.Single(run.Otlp.LogRecords, l => l.Attributes.ContainsKey("ReportId"));
        Assert.Equal(7L, logged.Attributes["ReportId"]);
        Assert.Equal(Expected, logged.Attributes["exception.message"]);
        Assert.Equal(typeof(ReportStoreException).FullName, logged.Attributes["exception.type"]);
        Assert.Equal("STORAGE_DATABASE", logged.Attributes["error.code"]);

        var span = run.ServerSpan("/reports/{id:int}");
        Assert.Equal("STORAGE_DATABASE", span.Attributes["error.code"]);
        Assert.Equal(Expected, Assert.Single(span.Events, e => e.Name == "exception").Attributes["exception.message"]);

        Assert.Contains("Report query failed for report 7", run.Console, StringComparison.Ordinal);
        Assert.Contains(Expected, run.Console, StringComparison.Ordinal);
        Assert.Contains("\"STORAGE_DATABASE\"", run.Responses["GET /reports/7"].Body, StringComparison.Ordinal);
    }

    [Fact]
    public void JwtInLogAttribute_Exported_ReplacedMessageKept()
    {
        var log = Assert.Single(run.Otlp.LogRecords, l => l.Attributes.ContainsKey("Assertion"));
        Assert.Equal("[REDACTED:jwt]", log.Attributes["Assertion"]);
        Assert.Equal("jane", log.Attributes["UserName"]);
        Assert.Contains("Signed in jane with assertion [REDACTED:jwt]", run.Console, StringComparison.Ordinal);
    }

    [Fact]
    public void CallerChosenCorrelationIdWithEmail_Exported_Replaced()
    {
        Assert.Equal("[REDACTED:email]", run.ServerSpan("/sessions").Attributes["correlation.id"]);
        Assert.Equal("[REDACTED:email]", Assert.Single(run.Otlp.LogRecords, l => l.Attributes.ContainsKey("Assertion")).Attributes["correlation.id"]);
        Assert.Contains("correlation.id:[REDACTED:email]", run.Console, StringComparison.Ordinal);
    }

    [Fact]
    public void GeneratedCorrelationId_Exported_SameAsResponseHeader()
    {
        var response = run.Responses["GET /customers/42"];
        var header = response.Headers.Split('\n').Single(h => h.StartsWith("X-Correlation-ID: ", StringComparison.OrdinalIgnoreCase));
        var id = header["X-Correlation-ID: ".Length..];
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal(id, run.ServerSpan("/customers/{id:int}").Attributes["correlation.id"]);
        Assert.Contains("\"correlationId\":\"" + id + "\"", response.Body, StringComparison.Ordinal);
        Assert.Contains("correlation.id:" + id, run.Console, StringComparison.Ordinal);
    }

    [Fact]
    public void UserIdOnSpan_TwoRequests_SameKeyedPseudonym()
    {
        var spans = run.Otlp.Spans.Where(s => s.Kind == ActivityKind.Server && Equals(s.Attributes.GetValueOrDefault("url.path"), "/profile")).ToList();
        Assert.Equal(2, spans.Count);
        Assert.NotEqual(spans[0].TraceId, spans[1].TraceId);
        var first = (string)spans[0].Attributes["enduser.id"]!;
        Assert.Equal(first, spans[1].Attributes["enduser.id"]);
        Assert.NotEqual(LeakCorpusRun.UserId, first);

        // What any service holding the same key computes: "pseu_", the key's id (4 bytes of its SHA-256), then the
        // first 16 bytes of HMAC-SHA256, in hex.
        var key = Encoding.UTF8.GetBytes(LeakCorpusRun.PseudonymizationKey);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(LeakCorpusRun.UserId));
        Assert.Equal("pseu_" + Convert.ToHexStringLower(SHA256.HashData(key), 0, 4) + "_" + Convert.ToHexStringLower(mac, 0, 16), first);
    }

    [Fact]
    public void ExceptionContextAndBaggageTag_Exported_ValuesReplacedOtherContextKept()
    {
        var span = run.ServerSpan("/payments");
        Assert.Equal("[REDACTED:email]", span.Attributes["error.context.email"]);
        Assert.Equal(2L, span.Attributes["error.context.attempt"]);
        Assert.Equal("[REDACTED:email]", span.Attributes["app.customer_email"]);
        Assert.Equal("gold", span.Attributes["app.customer_tier"]);
        Assert.Equal("Payment declined", Assert.Single(span.Events, e => e.Name == "exception").Attributes["exception.message"]);
        Assert.Equal(HttpStatusCode.InternalServerError, run.Responses["POST /payments"].Status);
    }

    [Fact]
    public void FalsePositives_LogAttributes_PassUntouched()
    {
        var log = Assert.Single(run.Otlp.LogRecords, l => l.Attributes.ContainsKey("OrderNumber"));
        foreach (var (key, value) in LeakCorpusRun.Innocent)
        {
            Assert.Equal(value, log.Attributes[key]);
        }

        Assert.Equal(LeakCorpusRun.TraceId2, log.TraceId);
    }

    [Fact]
    public void FalsePositives_SpanAttributes_PassUntouched()
    {
        var span = run.ServerSpan("/orders/{orderNumber}");
        Assert.Equal(LeakCorpusRun.TraceId2, span.TraceId);
        Assert.Equal(LeakCorpusRun.ParentSpanId2, span.ParentSpanId);
        Assert.Equal("GET /orders/{orderNumber}", span.Name);
        Assert.Equal("/orders/ORD-2025-000123", span.Attributes["url.path"]);
        Assert.Equal("page=2&sort=asc", span.Attributes["url.query"]);
        Assert.Equal(run.BaseAddress + "orders/ORD-2025-000123?page=2&sort=asc", span.Attributes["url.full"]);
        foreach (var (key, value) in LeakCorpusRun.Innocent)
        {
            Assert.Equal(value, span.Attributes["app." + key]);
        }
    }

    [Fact]
    public void FalsePositives_ConsoleAndResponse_PassUntouched()
    {
        var response = run.Responses["GET /orders/ORD-2025-000123"];
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Contains("X-Request-Id: " + LeakCorpusRun.Innocent["RequestId"], response.Headers, StringComparison.OrdinalIgnoreCase);
        foreach (var (_, value) in LeakCorpusRun.Innocent)
        {
            var text = Convert.ToString(value, CultureInfo.InvariantCulture)!;
            Assert.Contains(text, run.Console, StringComparison.Ordinal);
            Assert.Contains(text, response.Body, StringComparison.Ordinal);
        }

        // With scopes on (a common appsettings choice) the console prints the request's trace id.
        Assert.Contains("TraceId:" + LeakCorpusRun.TraceId2, run.Console, StringComparison.Ordinal);
        Assert.Contains("GET " + run.BaseAddress.ToString().TrimEnd('/') + "/orders/ORD-2025-000123?page=2&sort=asc", run.Console, StringComparison.Ordinal);
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

/// <summary>
/// Starts the OTLP receiver and the application, sends the leak corpus over real HTTP, stops the application (which
/// flushes every exporter and the console logger) and keeps everything that left the process.
/// </summary>
public sealed class LeakCorpusRun : IAsyncLifetime
{
    public const string Email = "jane.doe@customer-mail.com";
    public const string Card = "4111 1111 1111 1111";
    public const string Token = "S3cr3tT0kenQx7";
    public const string ApiKey = "ak9Zq7Lm2Pw4XyR";
    public const string DbPassword = "Hunter2!";
    public const string UserId = "user-4711-jane";
    public const string ContextEmail = "x@y.com";
    public const string BaggageEmail = "buyer.baggage@shop-mail.net";
    public const string CorrelationEmail = "corr.user@customer-mail.com";
    public const string PathEmail = "path.user@customer-mail.com";
    public const string PseudonymizationKey = "e2e-pseudonymization-key-0123456789";

    // Distinct JWTs: one arrives as an Authorization header, the other is logged as an attribute value.
    public const string HeaderJwt =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJqYW5lIiwic2NvcGUiOiJvcmRlcnMifQ.d2VfbmV2ZXJfc2lnbmVkX3RoaXNfaGVhZGVy";

    public const string AttributeJwt =
        "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJqYW5lIiwiYXVkIjoiY2hlY2tvdXQifQ.c2lnbmF0dXJlX29mX3RoZV9hdHRyaWJ1dGVfand0";

    public const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    public const string TraceId2 = "0af7651916cd43dd8448eb211c80319c";
    public const string ParentSpanId2 = "b7ad6b7169203331";

    /// <summary>Each secret, and each part of one that must not survive on its own.</summary>
    public static readonly IReadOnlyDictionary<string, string> Secrets = new Dictionary<string, string>
    {
        ["email"] = Email,
        ["email local part"] = "jane.doe@",
        ["card"] = Card,
        ["card digits"] = "4111111111111111",
        ["card group"] = "1111 1111",
        ["query token"] = Token,
        ["api key"] = ApiKey,
        ["header jwt payload"] = HeaderJwt.Split('.')[1],
        ["header jwt signature"] = HeaderJwt.Split('.')[2],
        ["attribute jwt payload"] = AttributeJwt.Split('.')[1],
        ["attribute jwt signature"] = AttributeJwt.Split('.')[2],
        ["db password"] = DbPassword,
        ["user id"] = UserId,
        ["context email"] = ContextEmail,
        ["baggage email"] = BaggageEmail,
        ["correlation id email"] = CorrelationEmail,
        ["path email"] = PathEmail,
        ["pseudonymization key"] = PseudonymizationKey,
    };

    /// <summary>
    /// The one response whose headers may hold a secret: the correlation id is echoed to the caller that chose it,
    /// which discloses nothing.
    /// </summary>
    public static readonly (string Secret, string Response) EchoedToSender = ("correlation id email", "POST /sessions");

    /// <summary>Values that look a little like secrets and must pass untouched (key → value as exported).</summary>
    public static readonly IReadOnlyDictionary<string, object> Innocent = new Dictionary<string, object>
    {
        ["OrderNumber"] = "ORD-2025-000123",
        ["RequestId"] = "6f9619ff-8b86-d011-b42d-00c04fc964ff",
        ["RelatedTrace"] = "4bf92f3577b34da6a3ce929d0e0e4736",
        ["RelatedSpan"] = "00f067aa0ba902b7",
        ["PlacedAt"] = "2025-03-14T09:26:53.5890000Z",
        ["ClientVersion"] = "10.0.11",
        ["AssemblyVersion"] = "1.20.1.0",
        ["Quantity"] = 1234567890L,
        ["InvoiceTotal"] = "1,299.95",
        ["DocsUrl"] = "https://shop.example.com/orders/123?page=2&sort=asc",
        ["Sha"] = "9fceb02d0ae598e95dc970b74767f19372d61af8",
    };

    private readonly List<KeyValuePair<string, ReceivedResponse>> _responses = [];

    internal OtlpTestReceiver Otlp { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public string Console { get; private set; } = string.Empty;

    public string SearchTraceId { get; private set; } = string.Empty;

    public IReadOnlyDictionary<string, ReceivedResponse> Responses => _responses.ToDictionary(p => p.Key, p => p.Value);

    internal ReceivedSpan ServerSpan(string route) =>
        Assert.Single(Otlp.Spans, s => s.Kind == ActivityKind.Server && Equals(s.Attributes.GetValueOrDefault("http.route"), route));

    public async Task InitializeAsync()
    {
        Otlp = await OtlpTestReceiver.StartAsync();

        // The console logger takes Console.Out when its provider is built, and writes from its own thread until the
        // host is disposed; the collection runs alone, so nothing else writes meanwhile.
        var originalOut = System.Console.Out;
        var originalError = System.Console.Error;
        var captured = new StringWriter();
        var synchronized = TextWriter.Synchronized(captured);
        System.Console.SetOut(synchronized);
        System.Console.SetError(synchronized);
        try
        {
            await RunApplicationAsync();
        }
        finally
        {
            System.Console.SetOut(originalOut);
            System.Console.SetError(originalError);
        }

        Console = captured.ToString();
    }

    public async Task DisposeAsync() => await Otlp.DisposeAsync();

    private async Task RunApplicationAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Production",
            ApplicationName = typeof(LeakCorpusRun).Assembly.GetName().Name,
        });
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Otlp.Endpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "storefront",
            ["ErrorTelemetry:Redaction:PseudonymizationKey"] = PseudonymizationKey,
            ["Logging:Console:FormatterName"] = "simple",
            ["Logging:Console:FormatterOptions:IncludeScopes"] = "true",
            ["Logging:Console:FormatterOptions:ColorBehavior"] = "Disabled",
        });
        builder.AddErrorTelemetry();
        builder.Services.AddHttpClient("partner");

        await using var app = builder.Build();
        app.UseErrorTelemetry();
        MapEndpoints(app);
        await app.StartAsync();
        BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());

        // No traceparent from the test's own HttpClient: the requests carry the ones the tests set.
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = BaseAddress };
        await SendAsync(client, HttpMethod.Get, "/customers/42", request => request.Headers.Add("traceparent", $"00-{TraceId}-00f067aa0ba902b7-01"));
        await SendAsync(client, HttpMethod.Post, "/orders", request => request.Content = new StringContent(
            "{\"orderNumber\":\"ORD-2025-000123\",\"card\":\"" + Card + "\",\"name\":\"Jane\"}", Encoding.UTF8, "application/json"));
        await SendAsync(client, HttpMethod.Get, $"/search?q=shoes&token={Token}", request => request.Headers.Add("Authorization", "Bearer " + HeaderJwt));
        await SendAsync(client, HttpMethod.Get, "/reports/7");
        await SendAsync(client, HttpMethod.Get, $"/customers/by-email/{PathEmail}", label: "GET /customers/by-email");
        await SendAsync(client, HttpMethod.Post, "/sessions", request => request.Headers.Add("X-Correlation-ID", CorrelationEmail));
        await SendAsync(client, HttpMethod.Get, "/profile", label: "GET /profile #1");
        await SendAsync(client, HttpMethod.Get, "/profile", label: "GET /profile #2");
        await SendAsync(client, HttpMethod.Post, "/payments", request => request.Headers.Add("baggage", $"customer.email={BaggageEmail},customer.tier=gold"));
        await SendAsync(client, HttpMethod.Get, "/orders/ORD-2025-000123?page=2&sort=asc", request => request.Headers.Add("traceparent", $"00-{TraceId2}-{ParentSpanId2}-01"));

        await app.StopAsync();
    }

    private async Task SendAsync(HttpClient client, HttpMethod method, string pathAndQuery, Action<HttpRequestMessage>? configure = null, string? label = null)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery);
        configure?.Invoke(request);
        using var response = await client.SendAsync(request);
        var headers = new StringBuilder();
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            headers.Append(header.Key).Append(": ").AppendJoin(", ", header.Value).Append('\n');
        }

        var body = await response.Content.ReadAsStringAsync();
        _responses.Add(new(label ?? $"{method} {pathAndQuery.Split('?')[0]}", new ReceivedResponse(response.StatusCode, headers.ToString(), body)));
    }

#pragma warning disable CA1873 // The logged values are the leaks under test.
    private void MapEndpoints(WebApplication app)
    {
        // ASP.NET Core's own span has no url.query or url.full; record them as OpenTelemetry's ASP.NET Core
        // instrumentation (and many applications) do.
        app.Use((context, next) =>
        {
            Activity.Current?.SetTag("url.query", context.Request.QueryString.HasValue ? context.Request.QueryString.Value![1..] : null);
            Activity.Current?.SetTag("url.full", context.Request.GetDisplayUrl());
            return next(context);
        });

        app.MapGet("/customers/{id:int}", IResult (int id) => throw new InvalidOperationException($"Lookup failed for {Email}"));

        app.MapGet("/customers/by-email/{email}", (string email) => Results.Json(new { found = false }));

        app.MapPost("/orders", async (HttpRequest request, ILogger<LeakCorpusRun> logger) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            logger.LogInformation("Body {Body}", body);
            return Results.Accepted("/orders/ORD-2025-000123", new { orderNumber = "ORD-2025-000123" });
        });

        app.MapGet("/search", async (HttpContext context, IHttpClientFactory factory, ILogger<LeakCorpusRun> logger) =>
        {
            Activity.Current?.SetTag("http.request.header.authorization", context.Request.Headers.Authorization.ToString());
            SearchTraceId = Activity.Current?.TraceId.ToHexString() ?? string.Empty;
            var partnerUrl = new Uri(BaseAddress, $"/partner/quote?sku=A-100&api_key={ApiKey}");
            logger.LogInformation("Calling partner {PartnerUrl}", partnerUrl);
            using var partner = factory.CreateClient("partner");
            var quote = await partner.GetStringAsync(partnerUrl);
            return Results.Text("{\"results\":[],\"quote\":" + quote + "}", "application/json");
        });

        app.MapGet("/partner/quote", (string sku) => Results.Json(new { sku, price = 12.5 }));

        app.MapGet("/reports/{id:int}", (int id, ILogger<LeakCorpusRun> logger) =>
        {
            try
            {
                throw new ReportStoreException($"Login failed. Server=db;User Id=app;Password={DbPassword};");
            }
            catch (DbException ex)
            {
                logger.LogError(ex, "Report query failed for report {ReportId}", id);
                throw;
            }
        });

        app.MapPost("/sessions", (ILogger<LeakCorpusRun> logger) =>
        {
            logger.LogInformation("Signed in {UserName} with assertion {Assertion}", "jane", AttributeJwt);
            return Results.NoContent();
        });

        app.MapGet("/profile", () =>
        {
            Activity.Current?.SetTag("enduser.id", UserId);
            return Results.Json(new { tier = "gold" });
        });

        app.MapPost("/payments", () =>
        {
            var activity = Activity.Current!;
            activity.SetTag("app.customer_email", activity.GetBaggageItem("customer.email"));
            activity.SetTag("app.customer_tier", activity.GetBaggageItem("customer.tier"));
            throw new InvalidOperationException("Payment declined").WithContext("email", ContextEmail).WithContext("attempt", 2);
        });

        app.MapGet("/orders/{orderNumber}", (string orderNumber, HttpContext context, ILogger<LeakCorpusRun> logger) =>
        {
            var activity = Activity.Current!;
            foreach (var (key, value) in Innocent)
            {
                activity.SetTag("app." + key, value);
            }

            logger.LogInformation(
                "Order {OrderNumber} request {RequestId} trace {RelatedTrace} span {RelatedSpan} placed {PlacedAt} client {ClientVersion} assembly {AssemblyVersion} quantity {Quantity} total {InvoiceTotal} docs {DocsUrl} commit {Sha}",
                orderNumber,
                Innocent["RequestId"],
                Innocent["RelatedTrace"],
                Innocent["RelatedSpan"],
                Innocent["PlacedAt"],
                Innocent["ClientVersion"],
                Innocent["AssemblyVersion"],
                Innocent["Quantity"],
                Innocent["InvoiceTotal"],
                Innocent["DocsUrl"],
                Innocent["Sha"]);
            context.Response.Headers["X-Request-Id"] = (string)Innocent["RequestId"];
            return Results.Json(Innocent);
        });
    }
#pragma warning restore CA1873
}

/// <summary>What the client received for one request.</summary>
public sealed record ReceivedResponse(HttpStatusCode Status, string Headers, string Body);

/// <summary>A provider's exception for a failed query, as ADO.NET providers throw them.</summary>
public sealed class ReportStoreException(string message) : DbException(message);
