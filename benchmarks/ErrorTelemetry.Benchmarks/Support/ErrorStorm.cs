using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ErrorTelemetry.Benchmarks.Support;

/// <summary>
/// The error-storm load test: failing requests per second on loopback, the bare-SDK host against the ErrorTelemetry
/// host. Each host runs in its own process (two hosts in one process would see each other's ASP.NET Core spans), on
/// Kestrel at 127.0.0.1 on a free port. Rounds alternate between the two, so a change in machine load hits both;
/// each round sends a fixed number of failing requests from a fixed number of concurrent clients, and is cut off
/// after a time limit. Besides requests per second and latency, each server process reports the CPU time it used,
/// so work moved off the request thread (exporters, batch processors) is counted too.
/// </summary>
/// <remarks>
/// Run: <c>dotnet run -c Release --project benchmarks/ErrorTelemetry.Benchmarks -- storm [requests per round]
/// [rounds per host] [concurrent clients]</c> (defaults 4000, 3, 16). Writes
/// <c>BenchmarkDotNet.Artifacts/results/error-storm.md</c>.
/// </remarks>
internal static class ErrorStorm
{
    private const int DefaultRequests = 4000;
    private const int DefaultRounds = 3;
    private const int DefaultConcurrency = 16;
    // Tiered compilation settles only after seconds of failing requests, and the host with more code takes longer:
    // after 2,000 warm-up requests, ErrorTelemetry's first four rounds of 4,000 cost 400 down to 180 µs of CPU per
    // request and its later ones 70 µs, while the bare host was steady from its second round, so the median measured
    // warm-up. Each host now warms up in rounds for at least 15 s (tiering is paced by time as much as by calls), until a
    // round is no longer markedly cheaper than the one before.
    private const int MinWarmupRounds = 5;
    private const int MaxWarmupRounds = 40;
    private const double SettledRatio = 0.9;
    private static readonly TimeSpan MinWarmup = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RoundLimit = TimeSpan.FromSeconds(60);

    /// <summary>Runs the storm; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var requests = Argument(args, 1, DefaultRequests, 100, 100_000);
        var rounds = Argument(args, 2, DefaultRounds, 1, 10);
        var concurrency = Argument(args, 3, DefaultConcurrency, 1, 256);
        var kinds = new[] { HostKind.BareOpenTelemetry, HostKind.ErrorTelemetry };
        var servers = new Dictionary<HostKind, Server>();
        try
        {
            foreach (var kind in kinds)
            {
                servers[kind] = await Server.StartAsync(kind);
            }

            var results = kinds.ToDictionary(static k => k, static _ => new List<Round>());
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false });
            var warmups = new Dictionary<HostKind, int>();
            foreach (var kind in kinds)
            {
                warmups[kind] = await WarmUpAsync(client, servers[kind], requests, concurrency);
            }

            for (var round = 0; round < rounds; round++)
            {
                // Alternate which host goes first, so neither always follows the other's garbage collections.
                foreach (var kind in round % 2 == 0 ? kinds : kinds.Reverse())
                {
                    var result = await RunRoundAsync(client, servers[kind], requests, concurrency);
                    results[kind].Add(result);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// storm round {round + 1} {kind}: {result.RequestsPerSecond:F0} req/s, p99 {result.P99Ms:F2} ms, {result.CpuUsPerRequest:F1} µs CPU per request, {result.Completed}/{result.Sent} answered"));
                }
            }

            var report = Report(results, requests, rounds, concurrency, warmups);
            Console.WriteLine();
            Console.WriteLine(report);
            var directory = Path.Combine(Directory.GetCurrentDirectory(), "BenchmarkDotNet.Artifacts", "results");
            Directory.CreateDirectory(directory);
            await File.WriteAllTextAsync(Path.Combine(directory, "error-storm.md"), report);
            return 0;
        }
        finally
        {
            foreach (var server in servers.Values)
            {
                await server.DisposeAsync();
            }
        }
    }

    /// <summary>The child process: serves one host kind on loopback until stdin closes; answers "cpu" with its CPU time.</summary>
    public static async Task<int> ServeAsync(string[] args)
    {
        var kind = Enum.Parse<HostKind>(args[1]);
        await using var app = await BenchmarkWebApp.StartAsync(kind, loopback: true);
        Console.WriteLine("listening " + app.Address);
        while (await Console.In.ReadLineAsync() is { } command)
        {
            if (command == "cpu")
            {
                using var self = Process.GetCurrentProcess();
                Console.WriteLine(self.TotalProcessorTime.Ticks.ToString(CultureInfo.InvariantCulture));
            }
        }

        return 0;
    }

    private static async Task<Round> RunRoundAsync(HttpClient client, Server server, int requests, int concurrency)
    {
        var uri = new Uri(server.Address, BenchmarkWebApp.FailurePath);
        var latencies = new double[requests];
        var next = -1;
        var completed = 0;
        using var limit = new CancellationTokenSource(RoundLimit);
        var cpuBefore = await server.CpuTimeAsync();
        var clock = Stopwatch.StartNew();
        var workers = new Task[concurrency];
        for (var w = 0; w < concurrency; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < requests && !limit.IsCancellationRequested)
                {
                    var start = Stopwatch.GetTimestamp();
                    try
                    {
                        using var response = await client.GetAsync(uri, limit.Token);
                        if ((int)response.StatusCode >= 500)
                        {
                            Interlocked.Increment(ref completed);
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }

                    latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
            });
        }

        await Task.WhenAll(workers);
        var elapsed = clock.Elapsed;
        var cpu = await server.CpuTimeAsync() - cpuBefore;
        var sent = Math.Min(requests, next + 1);
        var measured = latencies.AsSpan(0, sent).ToArray();
        Array.Sort(measured);
        return new Round(
            sent,
            completed,
            completed / elapsed.TotalSeconds,
            measured.Length == 0 ? double.NaN : measured[(int)Math.Min(measured.Length - 1, Math.Ceiling(measured.Length * 0.99) - 1)],
            completed == 0 ? double.NaN : cpu.TotalMicroseconds / completed);
    }

    /// <summary>Warms a host up in rounds until its CPU per request settles; returns how many requests that took.</summary>
    private static async Task<int> WarmUpAsync(HttpClient client, Server server, int requests, int concurrency)
    {
        var previous = double.MaxValue;
        var clock = Stopwatch.StartNew();
        for (var round = 1; round <= MaxWarmupRounds; round++)
        {
            var cpu = (await RunRoundAsync(client, server, requests, concurrency)).CpuUsPerRequest;
            if (round >= MinWarmupRounds && clock.Elapsed >= MinWarmup && !(cpu < previous * SettledRatio))
            {
                return round * requests;
            }

            previous = cpu;
        }

        return MaxWarmupRounds * requests;
    }

    private static string Report(Dictionary<HostKind, List<Round>> results, int requests, int rounds, int concurrency, Dictionary<HostKind, int> warmups)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Error storm: GET {BenchmarkWebApp.FailurePath} (the endpoint throws a catalogued exception), {requests} requests per round from {concurrency} concurrent clients, {rounds} rounds per host, alternating, after warm-up rounds until a host's CPU per request settled ({string.Join(", ", warmups.Select(static w => $"{w.Key} {w.Value}"))} requests); Kestrel on 127.0.0.1, each host in its own process. Median of the rounds.");
        text.AppendLine();
        text.AppendLine("| Host | Failing requests/s | p99 latency | Server CPU per request | Answered |");
        text.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var (kind, list) in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {kind} | {Median(list, static r => r.RequestsPerSecond):F0} | {Median(list, static r => r.P99Ms):F2} ms | {Median(list, static r => r.CpuUsPerRequest):F1} µs | {list.Sum(static r => r.Completed)}/{list.Sum(static r => r.Sent)} |");
        }

        var bare = Median(results[HostKind.BareOpenTelemetry], static r => r.RequestsPerSecond);
        var ours = Median(results[HostKind.ErrorTelemetry], static r => r.RequestsPerSecond);
        var bareCpu = Median(results[HostKind.BareOpenTelemetry], static r => r.CpuUsPerRequest);
        var oursCpu = Median(results[HostKind.ErrorTelemetry], static r => r.CpuUsPerRequest);
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"ErrorTelemetry / bare SDK: {ours / bare:F2}× the failing requests per second (target ≥ 0.70×: {(ours / bare >= 0.7 ? "met" : "**not met**")}), {oursCpu / bareCpu:F2}× the server CPU per request.");
        return text.ToString();
    }

    private static double Median(List<Round> rounds, Func<Round, double> value)
    {
        var values = rounds.Select(value).Order().ToArray();
        return values.Length == 0 ? double.NaN : values[values.Length / 2];
    }

    private static int Argument(string[] args, int index, int fallback, int min, int max) =>
        args.Length > index && int.TryParse(args[index], NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? Math.Clamp(value, min, max)
            : fallback;

    private sealed record Round(int Sent, int Completed, double RequestsPerSecond, double P99Ms, double CpuUsPerRequest);

    /// <summary>One host in a child process of this program, driven through its standard input and output.</summary>
    private sealed class Server : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly SemaphoreSlim _lock = new(1, 1);

        private Server(Process process, Uri address)
        {
            _process = process;
            Address = address;
        }

        public Uri Address { get; }

        public static async Task<Server> StartAsync(HostKind kind)
        {
            var self = Environment.ProcessPath!;
            var info = new ProcessStartInfo(self)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            {
                info.ArgumentList.Add(typeof(ErrorStorm).Assembly.Location);
            }

            info.ArgumentList.Add("serve");
            info.ArgumentList.Add(kind.ToString());
            var process = Process.Start(info)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("listening ", StringComparison.Ordinal))
                {
                    return new Server(process, new Uri(line["listening ".Length..]));
                }
            }

            throw new InvalidOperationException($"The {kind} host exited before it listened (exit code {process.ExitCode}).");
        }

        public async Task<TimeSpan> CpuTimeAsync()
        {
            await _lock.WaitAsync();
            try
            {
                await _process.StandardInput.WriteLineAsync("cpu");
                await _process.StandardInput.FlushAsync();
                var line = await _process.StandardOutput.ReadLineAsync();
                return TimeSpan.FromTicks(long.Parse(line!, CultureInfo.InvariantCulture));
            }
            finally
            {
                _lock.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                _process.StandardInput.Close();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
            finally
            {
                _process.Dispose();
                _lock.Dispose();
            }
        }
    }
}
