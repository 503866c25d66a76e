using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ErrorTelemetry.Tests.TestSupport;
using OpenTelemetry;
using Storefront;
using YamlDotNet.RepresentationModel;

namespace ErrorTelemetry.Tests.Observability;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AlertingPipelineDefinition : ICollectionFixture<AlertingPipeline>
{
    // Runs alone: the storefront's host listens to process-wide meters and activity sources ("ErrorTelemetry",
    // "Microsoft.AspNetCore.Hosting", "System.Net.Http"), so a web host of a parallel test would add requests and
    // failures to the series the alert assertions count.
    public const string Name = "Alerting pipeline (real Prometheus and Alertmanager)";
}

/// <summary>
/// A real alerting pipeline on 127.0.0.1: the real example storefront (<see cref="StorefrontApp"/>, in this process),
/// a real Prometheus scraping its <c>/metrics</c> and running the shipped rules, a real Alertmanager running the
/// shipped routing, and a webhook sink for its notifications. Once Prometheus scrapes the storefront, a burst of real
/// failing requests (<see cref="Burst"/>) is sent to it. Started on first use (so a skipped test starts nothing);
/// stopped, with its temp directory deleted, on dispose.
/// </summary>
/// <remarks>
/// The shipped configurations are used with this documented transformation only:
/// prometheus.yml — scrape_interval, scrape_timeout and evaluation_interval become 1s; rule_files points at the shipped
/// rule file by absolute path (the rules themselves are used as shipped); the Alertmanager target becomes the test's;
/// only the storefront job is kept, targeting the running storefront (its metrics_path and `team` label are kept).
/// alertmanager.yml — webhook URLs keep their paths but point at the sink. Everything else (routes, group_wait,
/// inhibit rules) is used as shipped.
/// </remarks>
public sealed class AlertingPipeline : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The failing (and one succeeding) requests sent to the storefront, with what the catalog says about each.</summary>
    internal static readonly IReadOnlyList<(Func<HttpRequestMessage> Request, ErrorDefinition? Failure, int Count)> Burst =
    [
        // The simulated orders database times out on every 7th order.
        (() => RunningStorefront.Get("/orders/7"), StorefrontErrors.DatabaseTimeout, 3),

        // A plain bug (a null dictionary) that no catalog entry matches: UNCLASSIFIED.
        (() => RunningStorefront.Get("/recommendations?email=jane.doe%40example.com"), BuiltInErrors.Unclassified, 2),
        (() => RunningStorefront.Get("/orders/2000"), StorefrontErrors.OrderNotFound, 1),
        (() => RunningStorefront.Post("/checkout", new { sku = "", quantity = 0, email = "not-an-email" }), BuiltInErrors.ValidationFailed, 1),
        (() => RunningStorefront.Get("/orders/1"), null, 1),
    ];

    /// <summary>Gets how many requests of the burst fail with <paramref name="failure"/>.</summary>
    internal static int BurstCount(ErrorDefinition failure) => Burst.Where(b => b.Failure == failure).Sum(b => b.Count);

    private readonly SemaphoreSlim _startGate = new(1, 1);
    private DirectoryInfo? _temp;
    private ExternalTool? _prometheus;
    private ExternalTool? _alertmanager;
    private RunningStorefront? _storefront;
    private AlertWebhookSink? _sink;
    private Task? _start;

    /// <summary>
    /// Gets the client for every request the test makes. Its calls create no spans in the storefront's tracer: that
    /// host listens to the process-wide "System.Net.Http" source and would otherwise count the test's own calls (a
    /// refused connection while a tool starts, the 5xx answers the burst asks for) as storefront failures. (They
    /// still add http_client_* series to its /metrics, which no shipped rule or panel reads.)
    /// </summary>
    public HttpClient Http { get; } = new(new UninstrumentedHandler(new SocketsHttpHandler())) { Timeout = TimeSpan.FromSeconds(10) };

    internal RunningStorefront Storefront => _storefront ?? throw new InvalidOperationException("not started");

    internal AlertWebhookSink Sink => _sink ?? throw new InvalidOperationException("not started");

    public Uri PrometheusAddress { get; private set; } = null!;

    public Uri AlertmanagerAddress { get; private set; } = null!;

    /// <summary>Gets when Prometheus had scraped every failure code of the burst (later rule evaluations saw them).</summary>
    public DateTimeOffset BurstScrapedAt { get; private set; }

    /// <summary>Gets the time since the burst was sent.</summary>
    public Stopwatch SinceBurst { get; } = new();

    public string Diagnostics =>
        $"--- storefront ---\n{_storefront?.BaseAddress}\n--- prometheus ---\n{_prometheus?.Describe()}\n--- alertmanager ---\n{_alertmanager?.Describe()}";

    public async Task EnsureStartedAsync()
    {
        await _startGate.WaitAsync();
        try
        {
            // Started at most once: a second attempt after a failed start would replace (and so leak) the processes
            // of the first; every test after a failed start fails with the same error instead.
            _start ??= StartAsync();
            await _start;
        }
        finally
        {
            _startGate.Release();
        }
    }

    private async Task StartAsync()
    {
        _temp = System.IO.Directory.CreateTempSubdirectory("errortelemetry-e2e-");
        _storefront = await RunningStorefront.StartAsync();
        _sink = await AlertWebhookSink.StartAsync();

        var alertmanagerPort = ExternalTool.GetFreeTcpPort();
        AlertmanagerAddress = new Uri($"http://127.0.0.1:{alertmanagerPort}");
        var alertmanagerConfig = Path.Combine(_temp.FullName, "alertmanager.yml");
        WriteAlertmanagerConfig(alertmanagerConfig, _sink.BaseAddress);
        _alertmanager = ExternalTool.Start(
            "prometheus-alertmanager",
            [
                "--config.file=" + alertmanagerConfig,
                "--storage.path=" + Path.Combine(_temp.FullName, "alertmanager-data"),
                $"--web.listen-address=127.0.0.1:{alertmanagerPort}",
                "--cluster.listen-address=",
            ],
            _temp.FullName);

        var prometheusPort = ExternalTool.GetFreeTcpPort();
        PrometheusAddress = new Uri($"http://127.0.0.1:{prometheusPort}");
        var prometheusConfig = Path.Combine(_temp.FullName, "prometheus.yml");
        WritePrometheusConfig(prometheusConfig, _storefront.BaseAddress, alertmanagerPort);
        _prometheus = ExternalTool.Start(
            "prometheus",
            [
                "--config.file=" + prometheusConfig,
                "--storage.tsdb.path=" + Path.Combine(_temp.FullName, "prometheus-data"),
                $"--web.listen-address=127.0.0.1:{prometheusPort}",
            ],
            _temp.FullName);

        var deadline = Stopwatch.StartNew();
        await WaitUntilAsync(() => IsReadyAsync(new Uri(AlertmanagerAddress, "/-/ready")), deadline, "Alertmanager did not become ready");
        await WaitUntilAsync(() => IsReadyAsync(new Uri(PrometheusAddress, "/-/ready")), deadline, "Prometheus did not become ready");

        // Prometheus parsing the real scrape endpoint's output is the first thing the alerting depends on.
        await WaitUntilAsync(StorefrontTargetIsUpAsync, deadline, "Prometheus never scraped the storefront successfully");

        SinceBurst.Start();
        foreach (var (request, failure, count) in Burst)
        {
            for (var i = 0; i < count; i++)
            {
                await Storefront.ExpectAsync(Http, request(), (HttpStatusCode)(failure?.HttpStatus ?? 200), failure?.Code);
            }
        }

        var codes = Burst.Where(b => b.Failure is not null).Select(b => b.Failure!.Code).Order(StringComparer.Ordinal).ToList();
        var scraped = new List<string>();
        await WaitUntilAsync(
            async () =>
            {
                scraped = [.. (await QueryAsync("errortelemetry_failures_total{job=\"storefront\"}")).Select(s => s.Labels.GetValueOrDefault("error_code") ?? "(none)").Order(StringComparer.Ordinal)];
                return scraped.SequenceEqual(codes);
            },
            Stopwatch.StartNew(),
            () => $"Prometheus never scraped exactly the failure codes [{string.Join(", ", codes)}] from the storefront (last seen: [{string.Join(", ", scraped)}])");
        BurstScrapedAt = DateTimeOffset.UtcNow;
    }

    /// <summary>Polls <paramref name="condition"/> every 250 ms until it holds; fails with the tools' output otherwise.</summary>
    public Task WaitUntilAsync(Func<Task<bool>> condition, Stopwatch elapsed, string failure, TimeSpan? timeout = null) =>
        WaitUntilAsync(condition, elapsed, () => failure, timeout);

    /// <summary>Polls <paramref name="condition"/> every 250 ms until it holds; fails with the tools' output otherwise.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, Stopwatch elapsed, Func<string> failure, TimeSpan? timeout = null)
    {
        var limit = timeout ?? StartTimeout;
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (elapsed.Elapsed > limit || _prometheus?.HasExited == true || _alertmanager?.HasExited == true)
            {
                Assert.Fail($"{failure()} within {limit.TotalSeconds:0}s.\n{Diagnostics}");
            }

            await Task.Delay(250);
        }
    }

    public async Task<JsonElement> GetJsonAsync(Uri uri)
    {
        using var response = await Http.GetAsync(uri);
        Assert.True(response.IsSuccessStatusCode, $"GET {uri} -> {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Runs an instant PromQL query and returns its vector: each series' labels and value.</summary>
    public async Task<List<(Dictionary<string, string> Labels, string Value)>> QueryAsync(string promQl)
    {
        var result = await GetJsonAsync(new Uri(PrometheusAddress, "/api/v1/query?query=" + Uri.EscapeDataString(promQl)));
        Assert.True(result.GetProperty("status").GetString() == "success", $"{promQl}: {result}");
        var data = result.GetProperty("data");
        Assert.Equal("vector", data.GetProperty("resultType").GetString());
        return data.GetProperty("result").EnumerateArray()
            .Select(s => (
                s.GetProperty("metric").EnumerateObject().ToDictionary(l => l.Name, l => l.Value.GetString() ?? string.Empty, StringComparer.Ordinal),
                s.GetProperty("value")[1].GetString() ?? string.Empty))
            .ToList();
    }

    private async Task<bool> IsReadyAsync(Uri uri)
    {
        try
        {
            using var response = await Http.GetAsync(uri);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private async Task<bool> StorefrontTargetIsUpAsync()
    {
        var targets = await GetJsonAsync(new Uri(PrometheusAddress, "/api/v1/targets?state=active"));
        return targets.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
            .Any(t => t.GetProperty("labels").GetProperty("job").GetString() == "storefront" && t.GetProperty("health").GetString() == "up");
    }

    private static void WritePrometheusConfig(string path, Uri service, int alertmanagerPort)
    {
        var config = YamlAsset.Load("examples", "observability", "prometheus.yml");
        var global = config.Map("global");
        foreach (var key in new[] { "scrape_interval", "scrape_timeout", "evaluation_interval" })
        {
            global.Children[new YamlScalarNode(key)] = new YamlScalarNode("1s");
        }

        var rules = config.Seq("rule_files").Strings().Select(r => RepositoryPaths.Get(["examples", "observability", .. r.Split('/')])).ToList();
        config.Children[new YamlScalarNode("rule_files")] = new YamlSequenceNode(rules.Select(r => new YamlScalarNode(r)));

        var alertmanagerTargets = Assert.Single(Assert.Single(config.Map("alerting").Seq("alertmanagers").Maps()).Seq("static_configs").Maps());
        alertmanagerTargets.Children[new YamlScalarNode("targets")] = new YamlSequenceNode(new YamlScalarNode($"127.0.0.1:{alertmanagerPort}"));

        var storefront = config.Seq("scrape_configs").Maps().Single(j => j.Scalar("job_name") == "storefront");
        var target = Assert.Single(storefront.Seq("static_configs").Maps());
        target.Children[new YamlScalarNode("targets")] = new YamlSequenceNode(new YamlScalarNode(service.Authority));
        config.Children[new YamlScalarNode("scrape_configs")] = new YamlSequenceNode(storefront);

        YamlAsset.Save(config, path);
    }

    private static void WriteAlertmanagerConfig(string path, Uri sink)
    {
        var config = YamlAsset.Load("examples", "observability", "alertmanager.yml");
        foreach (var receiver in config.Seq("receivers").Maps())
        {
            if (receiver.Find("webhook_configs") is not YamlSequenceNode webhooks)
            {
                continue;
            }

            foreach (var webhook in webhooks.Maps())
            {
                var shipped = new Uri(webhook.Scalar("url"));
                webhook.Children[new YamlScalarNode("url")] = new YamlScalarNode(new Uri(sink, shipped.PathAndQuery).ToString());
            }
        }

        YamlAsset.Save(config, path);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // Processes first: they hold files in the temp directory and connections to the apps.
        _prometheus?.Dispose();
        _alertmanager?.Dispose();
        if (_storefront is not null)
        {
            await _storefront.DisposeAsync();
        }

        if (_sink is not null)
        {
            await _sink.DisposeAsync();
        }

        Http.Dispose();
        if (_temp is not null)
        {
            try
            {
                _temp.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A killed process may release its files a moment late; one retry is enough in practice.
                await Task.Delay(500);
                _temp.Delete(recursive: true);
            }
        }
    }

    private sealed class UninstrumentedHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var suppressed = SuppressInstrumentationScope.Begin();
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
