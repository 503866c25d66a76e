using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using ErrorTelemetry.Redaction.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace ErrorTelemetry.Tests.Redaction;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCaptureGroup
{
    public const string Name = "Redaction console capture";
}

internal static class Corpus
{
    public const string Jwt =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    public static readonly string[] Secrets =
    [
        // "4111 1111", not "4111": trace and span ids are hex and contain four hex digits in a row by chance.
        "bob@example.com", "Hunter2!", "4111 1111", "s3cr3tT0ken", Jwt, "eyJ", "Hunter3!", "sess-secret-1", "abc123def456ghi789",
    ];

    // The same leaks as the processor tests, written through ILogger.
#pragma warning disable CA1873 // The arguments are the leaks under test.
    public static void Write(ILogger logger)
    {
        using (logger.BeginScope(new Dictionary<string, object?> { ["session.id"] = "sess-secret-1", ["tenant"] = "contoso" }))
        using (logger.BeginScope("Checkout {SessionId} at {Shop}", "sess-secret-1", "north"))
        {
            logger.LogError(
                new InvalidOperationException("Customer bob@example.com not found; Server=db;User Id=app;Password=Hunter2!;"),
                "Order {OrderId} failed",
                42);
            logger.LogInformation("Request body: {Body}", "{\"card\":\"4111 1111 1111 1111\",\"name\":\"Bob\"}");
            logger.LogInformation("Got {Token} from the identity provider", Jwt);
            logger.LogInformation("Calling {Url}", "https://api.example.com/orders?token=s3cr3tT0ken&page=2");
            logger.LogWarning("Login with password {Password} for {User}", "Hunter3!", "bob");
            logger.LogInformation("Authorization: Bearer {Value}", "abc123def456ghi789");
        }
    }
#pragma warning restore CA1873
}

/// <summary>Captures what console loggers write. Console writers are captured when the console provider starts.</summary>
internal sealed class ConsoleCapture : IDisposable
{
    private readonly TextWriter _original = Console.Out;
    private readonly StringWriter _writer = new();

    public ConsoleCapture() => Console.SetOut(TextWriter.Synchronized(_writer));

    public string Text => _writer.ToString();

    public void Dispose() => Console.SetOut(_original);
}

/// <summary>A provider that records what loggers were given, as a provider added at run time would see it.</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public string Text => string.Join("\n", _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(_lines);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            lines.Enqueue($"scope={state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder().Append(logLevel).Append(": ").Append(formatter(state, exception));
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var pair in pairs)
                {
                    line.Append(" | ").Append(pair.Key).Append('=').Append(pair.Value);
                }
            }

            line.Append(" | exception=").Append(exception?.ToString()).Append(" | message=").Append(exception?.Message);
            lines.Enqueue(line.ToString());
        }
    }
}

/// <summary>What an ErrorTelemetry log processor does: sees the original exception, then redacts the record.</summary>
internal sealed class TestLogProcessor(Redactor redactor) : BaseProcessor<LogRecord>
{
    public ConcurrentQueue<string?> ExceptionTypesSeen { get; } = new();

    public ConcurrentQueue<string> ScopeValuesSeen { get; } = new();

    public override void OnEnd(LogRecord data)
    {
        ExceptionTypesSeen.Enqueue(data.Exception?.GetType().FullName);
        data.ForEachScope(
            static (scope, seen) =>
            {
                foreach (var item in scope)
                {
                    seen.Enqueue($"{item.Key}={item.Value}");
                }
            },
            ScopeValuesSeen);
        LogRecordRedaction.Redact(data, redactor);
    }
}

internal sealed class TestActivityProcessor(Redactor redactor) : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data) => ActivityRedaction.Redact(data, redactor);
}

/// <summary>A local OTLP/HTTP receiver on 127.0.0.1 that keeps the raw protobuf request bodies.</summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Path, byte[] Body)> _requests = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<(string Path, byte[] Body)> Requests => [.. _requests];

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/{signal}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            receiver._requests.Enqueue((context.Request.Path, body.ToArray()));
            context.Response.ContentType = "application/x-protobuf";
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseAddress = new Uri(address);
        return receiver;
    }

    public string Text(string path) =>
        string.Join("\n", _requests.Where(r => r.Path == path).Select(r => Encoding.UTF8.GetString(r.Body)));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
