using System.Diagnostics;
using System.Diagnostics.Tracing;
using ErrorTelemetry.Redaction.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Tests.Redaction;

#pragma warning disable CA1873 // Log calls here are the leaks under test.
[Collection(ConsoleCaptureGroup.Name)]
public class RedactingLoggerFactoryTests
{
    private static IHost BuildHost(Action<HostApplicationBuilder> configure, bool redactionFirst = true)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        if (redactionFirst)
        {
            builder.Services.AddErrorTelemetryLogRedaction();
        }

        configure(builder);
        if (!redactionFirst)
        {
            builder.Services.AddErrorTelemetryLogRedaction();
        }

        return builder.Build();
    }

    private static void AssertNoSecrets(string text)
    {
        foreach (var secret in Corpus.Secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SimpleConsole_LeakCorpus_SecretsAbsentContextKept(bool redactionFirst)
    {
        string output;
        using (var capture = new ConsoleCapture())
        {
            using (var host = BuildHost(
                builder => builder.Logging.AddSimpleConsole(o =>
                {
                    o.IncludeScopes = true;
                    o.ColorBehavior = LoggerColorBehavior.Disabled;
                }),
                redactionFirst))
            {
                await host.StartAsync();
                Assert.IsType<RedactingLoggerFactory>(host.Services.GetRequiredService<ILoggerFactory>());
                Corpus.Write(host.Services.GetRequiredService<ILogger<RedactingLoggerFactoryTests>>());
                await host.StopAsync();
            }

            output = capture.Text;
        }

        AssertNoSecrets(output);
        foreach (var context in new[]
        {
            "Order 42 failed",
            "System.InvalidOperationException: Customer [REDACTED:email] not found; Server=db;User Id=app;Password=[REDACTED:password];",
            "Request body: {\"card\":\"[REDACTED:card]\",\"name\":\"Bob\"}",
            "Got [REDACTED:token] from the identity provider",
            "Calling https://api.example.com/orders?token=[REDACTED]&page=2",
            "Login with password [REDACTED:password] for bob",
            "=> Checkout [REDACTED:session] at north",
        })
        {
            Assert.Contains(context, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task JsonConsole_StateAndScopes_Redacted()
    {
        string output;
        using (var capture = new ConsoleCapture())
        {
            using (var host = BuildHost(builder => builder.Logging.AddJsonConsole(o => o.IncludeScopes = true)))
            {
                await host.StartAsync();
                Corpus.Write(host.Services.GetRequiredService<ILogger<RedactingLoggerFactoryTests>>());
                await host.StopAsync();
            }

            output = capture.Text;
        }

        AssertNoSecrets(output);
        Assert.Contains("\"Password\":\"[REDACTED:password]\"", output, StringComparison.Ordinal);
        Assert.Contains("\"User\":\"bob\"", output, StringComparison.Ordinal);
        Assert.Contains("\"OrderId\":42", output, StringComparison.Ordinal);
        Assert.Contains("\"tenant\":\"contoso\"", output, StringComparison.Ordinal);
        Assert.Contains("\"Message\":\"Checkout [REDACTED:session] at north\"", output, StringComparison.Ordinal);
        Assert.Contains("\"SessionId\":\"[REDACTED:session]\"", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Logging:Console:LogLevel:Default")]
    [InlineData("Logging:Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider:LogLevel:Default")]
    public async Task ProviderFilterRules_StillApplyToDecoratedProvider(string key)
    {
        string output;
        using (var capture = new ConsoleCapture())
        {
            using (var host = BuildHost(builder =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Logging:LogLevel:Default"] = "Information",
                    [key] = "Warning",
                });
                builder.Logging.AddSimpleConsole(o => o.ColorBehavior = LoggerColorBehavior.Disabled);
            }))
            {
                await host.StartAsync();
                var logger = host.Services.GetRequiredService<ILogger<RedactingLoggerFactoryTests>>();
                logger.LogInformation("information for bob@example.com");
                logger.LogWarning("warning for bob@example.com");
                await host.StopAsync();
            }

            output = capture.Text;
        }

        Assert.DoesNotContain("information for", output, StringComparison.Ordinal);
        Assert.Contains("warning for [REDACTED:email]", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventSourceLogger_Payloads_Redacted()
    {
        using var listener = new LoggingEventListener();
        using (var host = BuildHost(_ => { }))
        {
            await host.StartAsync();
            Corpus.Write(host.Services.GetRequiredService<ILogger<RedactingLoggerFactoryTests>>());
            await host.StopAsync();
        }

        var text = listener.Text;
        AssertNoSecrets(text);
        Assert.Contains("Login with password [REDACTED:password] for bob", text, StringComparison.Ordinal);
        Assert.Contains("Customer [REDACTED:email] not found", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_CleanExceptionToTwoTextProviders_OriginalRenderedOnce()
    {
        var services = new ServiceCollection();
        services.AddErrorTelemetryLogRedaction();
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<ILoggerFactory>();
        var first = new RecordingLoggerProvider();
        var second = new RecordingLoggerProvider();
        factory.AddProvider(first);
        factory.AddProvider(second);
        var exception = new CountingException("Order 42 was not found");

        factory.CreateLogger("Orders").LogError(exception, "Lookup failed");

        Assert.Equal(1, exception.ToStringCalls);
        Assert.Contains("exception=" + typeof(CountingException).FullName + ": Order 42 was not found", first.Text, StringComparison.Ordinal);
        Assert.Equal(first.Text, second.Text);
    }

    private sealed class CountingException(string message) : Exception(message)
    {
        public int ToStringCalls { get; private set; }

        public override string ToString()
        {
            ToStringCalls++;
            return base.ToString();
        }
    }

    [Fact]
    public void AddProvider_AtRunTime_ProviderDecorated()
    {
        var services = new ServiceCollection();
        services.AddErrorTelemetryLogRedaction();
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<ILoggerFactory>();
        var recording = new RecordingLoggerProvider();
        factory.AddProvider(recording);

        Corpus.Write(factory.CreateLogger("Orders"));

        AssertNoSecrets(recording.Text);
        Assert.Contains("Warning: Login with password [REDACTED:password] for bob | Password=[REDACTED:password] | User=bob", recording.Text, StringComparison.Ordinal);
        Assert.Contains("Error: Order 42 failed | OrderId=42 | {OriginalFormat}=Order {OrderId} failed | exception=System.InvalidOperationException: Customer [REDACTED:email]", recording.Text, StringComparison.Ordinal);
        Assert.Contains("message=Customer [REDACTED:email] not found", recording.Text, StringComparison.Ordinal);
        Assert.Contains("scope=Checkout [REDACTED:session] at north", recording.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void AddErrorTelemetryLogRedaction_CalledTwice_SingleDecoration()
    {
        var services = new ServiceCollection();
        services.AddErrorTelemetryLogRedaction();
        services.AddErrorTelemetryLogRedaction();
        services.AddLogging(b => b.AddProvider(new RecordingLoggerProvider()));
        Assert.Single(services, d => d.ServiceType == typeof(ILoggerFactory));
        using var provider = services.BuildServiceProvider();
        Assert.IsType<RedactingLoggerFactory>(provider.GetRequiredService<ILoggerFactory>());
    }

    [Fact]
    public async Task StartUp_NoPseudonymizationKey_WarnsOnce()
    {
        var recording = new RecordingLoggerProvider();
        using (var host = BuildHost(builder => builder.Logging.ClearProviders().AddProvider(recording)))
        {
            await host.StartAsync();
            await host.StopAsync();
        }

        var warning = Assert.Single(recording.Text.Split('\n'), l => l.Contains("PseudonymizationKey is not set", StringComparison.Ordinal));
        Assert.StartsWith("Warning: ErrorTelemetry:Redaction:PseudonymizationKey is not set", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartUp_InvalidPattern_FailsNamingTheKey()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ErrorTelemetry:Redaction:CustomPatterns:foo"] = "(unclosed",
            ["ErrorTelemetry:Redaction:PseudonymizationKey"] = "0123456789abcdef0123456789abcdef",
        });
        builder.Services.AddErrorTelemetryRedaction();
        using var host = builder.Build();

        var ex = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("ErrorTelemetry:Redaction:CustomPatterns:foo is not a valid regular expression", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Otlp_LogsAndSpansOnTheWire_NoSecrets()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ErrorTelemetry:Redaction:PseudonymizationKey"] = "0123456789abcdef0123456789abcdef",
        });
        builder.Services.AddErrorTelemetryLogRedaction();
        builder.Logging.ClearProviders();
        TestLogProcessor? logProcessor = null;
        builder.Logging.AddOpenTelemetry(o =>
        {
            o.IncludeScopes = true;
            o.IncludeFormattedMessage = true;
            o.AddProcessor(sp => logProcessor = new TestLogProcessor(sp.GetRequiredService<Redactor>()));
            o.AddProcessor(new SimpleLogRecordExportProcessor(new OtlpLogExporter(new OtlpExporterOptions
            {
                Endpoint = new Uri(receiver.BaseAddress, "/v1/logs"),
                Protocol = OtlpExportProtocol.HttpProtobuf,
            })));
        });

        using var source = new ActivitySource("ErrorTelemetry.Tests.Redaction.Otlp." + Guid.NewGuid().ToString("N"));
        using (var host = builder.Build())
        {
            var redactor = host.Services.GetRequiredService<Redactor>();
            using var tracerProvider = Sdk.CreateTracerProviderBuilder()
                .AddSource(source.Name)
                .AddProcessor(new TestActivityProcessor(redactor))
                .AddProcessor(new SimpleActivityExportProcessor(new OtlpTraceExporter(new OtlpExporterOptions
                {
                    Endpoint = new Uri(receiver.BaseAddress, "/v1/traces"),
                    Protocol = OtlpExportProtocol.HttpProtobuf,
                })))
                .Build()!;

            await host.StartAsync();
            using (var activity = source.StartActivity("GET /orders")!)
            {
                activity.SetTag("http.request.header.authorization", "Bearer " + Corpus.Jwt);
                activity.SetTag("url.full", "https://api.example.com/orders?token=s3cr3tT0ken&page=2");
                activity.SetTag("enduser.id", "user-8812");
                activity.AddException(new InvalidOperationException("Customer bob@example.com not found; Server=db;User Id=app;Password=Hunter2!;"));
                Corpus.Write(host.Services.GetRequiredService<ILogger<RedactingLoggerFactoryTests>>());
            }

            tracerProvider.ForceFlush();
            await host.StopAsync();
        }

        var logs = receiver.Text("/v1/logs");
        var traces = receiver.Text("/v1/traces");
        AssertNoSecrets(logs);
        AssertNoSecrets(traces);
        Assert.DoesNotContain("user-8812", traces, StringComparison.Ordinal);

        foreach (var context in new[] { "Order 42 failed", "exception.message", "Customer [REDACTED:email] not found", "[REDACTED:session]", "contoso", "north", "Login with password [REDACTED:password] for bob" })
        {
            Assert.Contains(context, logs, StringComparison.Ordinal);
        }

        foreach (var context in new[] { "GET /orders", "https://api.example.com/orders?token=[REDACTED]&page=2", "[REDACTED:authorization]", "pseu_", "Customer [REDACTED:email] not found" })
        {
            Assert.Contains(context, traces, StringComparison.Ordinal);
        }

        // The log processor ran before redaction with the real exception (it classifies errors by it), and the
        // scopes it saw were already redacted by the scope provider installed on OpenTelemetry's logging provider.
        Assert.Contains(typeof(InvalidOperationException).FullName, logProcessor!.ExceptionTypesSeen);
        Assert.Contains("session.id=[REDACTED:session]", logProcessor.ScopeValuesSeen);
        Assert.Contains("SessionId=[REDACTED:session]", logProcessor.ScopeValuesSeen);
        Assert.DoesNotContain(logProcessor.ScopeValuesSeen, s => s.Contains("sess-secret-1", StringComparison.Ordinal));
    }

    private sealed class LoggingEventListener : EventListener
    {
        private readonly List<string> _payloads = [];

        public string Text
        {
            get
            {
                lock (_payloads)
                {
                    return string.Join("\n", _payloads);
                }
            }
        }

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Extensions-Logging")
            {
                // Keywords: Meta | Message | FormattedMessage | JsonMessage.
                EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0xF);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            lock (_payloads)
            {
                foreach (var item in eventData.Payload ?? [])
                {
                    _payloads.Add(item switch
                    {
                        IEnumerable<object> list => string.Join(";", list.Select(x => x?.ToString())),
                        _ => item?.ToString() ?? string.Empty,
                    });
                }
            }
        }
    }
}
#pragma warning restore CA1873
