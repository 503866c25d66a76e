using System.Diagnostics;
using System.Globalization;

namespace ErrorTelemetry.Benchmarks.Support;

/// <summary>
/// Whole-process CPU time per request on the in-memory test server, one host kind per process: less sensitive to the
/// machine's load than BenchmarkDotNet's wall-clock time, and it counts work done off the request thread.
/// </summary>
/// <remarks>
/// Run: <c>dotnet run -c Release --project benchmarks/ErrorTelemetry.Benchmarks -- cpu [kind] [success|failure]
/// [requests per round] [rounds] [block]</c> (defaults 20,000 and 8, after a warm-up; <c>block</c> waits for each
/// request by blocking on its task, as BenchmarkDotNet does); kind is <c>BareOpenTelemetry</c>, <c>ErrorTelemetry</c> or <c>NoTelemetry</c>.
/// </remarks>
internal static class RequestCpu
{

    public static async Task<int> RunAsync(string[] args)
    {
        var kind = args.Length > 1 ? Enum.Parse<HostKind>(args[1]) : HostKind.ErrorTelemetry;
        var failure = args.Length > 2 && args[2] == "failure";
        var path = failure ? BenchmarkWebApp.FailurePath : BenchmarkWebApp.SuccessPath;
        var requests = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 20_000;
        var rounds = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 8;

        // "block": wait for each request as BenchmarkDotNet does (blocking on the returned task), not with await.
        var block = args.Length > 5 && args[5] == "block";

        // Tiered compilation settles only after a few seconds of requests: the first rounds after 20,000 successful
        // requests still ran up to 8 times slower than later ones.
        var warmup = failure ? 50_000 : 300_000;
        await using var app = await BenchmarkWebApp.StartAsync(kind);
        for (var i = 0; i < warmup; i++)
        {
            await app.GetAsync(path);
        }

        using var self = Process.GetCurrentProcess();
        var cpu = new List<double>();
        var wall = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            self.Refresh();
            var cpuBefore = self.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            if (block)
            {
                await Task.Factory.StartNew(() => Blocking(app, path, requests), TaskCreationOptions.LongRunning);
            }
            else
            {
                for (var i = 0; i < requests; i++)
                {
                    await app.GetAsync(path);
                }
            }

            clock.Stop();
            self.Refresh();
            cpu.Add((self.TotalProcessorTime - cpuBefore).TotalMicroseconds / requests);
            wall.Add(clock.Elapsed.TotalMicroseconds / requests);
        }

        Console.WriteLine("// rounds, CPU µs/request: " + string.Join(' ', cpu.Select(static c => c.ToString("F1", CultureInfo.InvariantCulture))));
        cpu.Sort();
        wall.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{kind} {path}: CPU {cpu[cpu.Count / 2]:F2} µs/request (min {cpu[0]:F2}), wall {wall[wall.Count / 2]:F2} µs/request (min {wall[0]:F2})"));
        return 0;
    }

    private static void Blocking(BenchmarkWebApp app, string path, int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            app.GetAsync(path).GetAwaiter().GetResult();
        }
    }
}
