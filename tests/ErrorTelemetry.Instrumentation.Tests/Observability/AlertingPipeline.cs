using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using ErrorTelemetry.Tests.TestSupport;
using YamlDotNet.RepresentationModel;

namespace ErrorTelemetry.Tests.Observability;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AlertingPipelineDefinition : ICollectionFixture<AlertingPipeline>
{
    // Runs alone: the stand-in service listens to the process-wide "ErrorTelemetry" meter, and a parallel test
    // recording failures there would add series the alert assertions do not expect.
    public const string Name = "Alerting pipeline (real Prometheus and Alertmanager)";
}

/// <summary>
/// A real alerting pipeline on 127.0.0.1 free ports: the stand-in service (scrape endpoint), a real Prometheus running
/// the shipped rules, a real Alertmanager running the shipped routing, and a webhook sink for its notifications.
/// Started on first use (so a skipped test starts nothing); stopped, with its temp directory deleted, on dispose.
/// </summary>
/// <remarks>
/// The shipped configurations are used with this documented transformation only:
/// prometheus.yml — scrape_interval, scrape_timeout and evaluation_interval become 1s; rule_files points at the shipped
/// rule file by absolute path (the rules themselves are used as shipped); the Alertmanager target becomes the test's;
/// only the storefront job is kept, targeting the stand-in service (its `team` label is kept).
/// alertmanager.yml — webhook URLs keep their paths but point at the sink. Everything else (routes, group_wait,
/// inhibit rules) is used as shipped.
/// </remarks>
public sealed class AlertingPipeline : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _startGate = new(1, 1);
    private DirectoryInfo? _temp;
    private ExternalTool? _prometheus;
    private ExternalTool? _alertmanager;
    private StandInFailingService? _service;
    private AlertWebhookSink? _sink;
    private bool _started;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    internal StandInFailingService Service => _service ?? throw new InvalidOperationException("not started");

    internal AlertWebhookSink Sink => _sink ?? throw new InvalidOperationException("not started");

    public Uri PrometheusAddress { get; private set; } = null!;

    public Uri AlertmanagerAddress { get; private set; } = null!;

    public DateTimeOffset StartedAt { get; private set; }

    public string Diagnostics =>
        $"--- prometheus ---\n{_prometheus?.Describe()}\n--- alertmanager ---\n{_alertmanager?.Describe()}";

    public async Task EnsureStartedAsync()
    {
        await _startGate.WaitAsync();
        try
        {
            if (!_started)
            {
                await StartAsync();
                _started = true;
            }
        }
        finally
        {
            _startGate.Release();
        }
    }

    private async Task StartAsync()
    {
        StartedAt = DateTimeOffset.UtcNow;
        _temp = System.IO.Directory.CreateTempSubdirectory("errortelemetry-e2e-");
        _service = await StandInFailingService.StartAsync();
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
        WritePrometheusConfig(prometheusConfig, _service.BaseAddress, alertmanagerPort);
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

        // Prometheus parsing the scrape endpoint's output is the first thing the alerting depends on.
        await WaitUntilAsync(StorefrontTargetIsUpAsync, deadline, "Prometheus never scraped the stand-in service successfully");
    }

    /// <summary>Polls <paramref name="condition"/> every 250 ms until it holds; fails with the tools' output otherwise.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, Stopwatch elapsed, string failure, TimeSpan? timeout = null)
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
                Assert.Fail($"{failure} within {limit.TotalSeconds:0}s.\n{Diagnostics}");
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
        if (_service is not null)
        {
            await _service.DisposeAsync();
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
}
