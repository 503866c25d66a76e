using System.Diagnostics;
using System.Globalization;
using System.Runtime;

namespace ErrorTelemetry.Benchmarks.Support;

/// <summary>
/// Whole-process CPU time per request on the in-memory test server, one host kind per process: less sensitive to the
/// machine's load than BenchmarkDotNet's wall-clock time, and it counts work done off the request thread.
/// </summary>
/// <remarks>
/// Run: <c>dotnet run -c Release --project benchmarks/ErrorTelemetry.Benchmarks -- cpu [kind] [success|failure]
/// [requests per round] [rounds] [block] [warm-up requests]</c> (defaults 20,000 and 8, after a warm-up of 300,000
/// successful or 50,000 failing requests; <c>block</c> waits for each request as BenchmarkDotNet does); kind is
/// <c>BareOpenTelemetry</c>, <c>ErrorTelemetry</c> or <c>NoTelemetry</c>. Each round also prints what explains a
/// difference in wall time that CPU time does not show: thread-pool work items, first-chance exceptions and bytes
/// allocated per request, garbage collections by generation and their pause, bytes each collection found alive (and
/// promoted), and methods compiled (tiering still going on).
/// </remarks>
internal static class RequestCpu
{
    private static long _exceptions;

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
        var warmup = args.Length > 6 ? int.Parse(args[6], CultureInfo.InvariantCulture) : failure ? 50_000 : 300_000;
        AppDomain.CurrentDomain.FirstChanceException += static (_, _) => Interlocked.Increment(ref _exceptions);
        await using var app = await BenchmarkWebApp.StartAsync(kind);
        await app.WarmUpAsync(path, warmup);

        using var gc = new GcEvents();
        using var self = Process.GetCurrentProcess();
        var cpu = new List<double>();
        var wall = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            self.Refresh();
            var cpuBefore = self.TotalProcessorTime;
            var before = Counters.Read();
            var gcBefore = gc.Read();
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
            var after = Counters.Read();
            var gcAfter = gc.Read();
            self.Refresh();
            cpu.Add((self.TotalProcessorTime - cpuBefore).TotalMicroseconds / requests);
            wall.Add(clock.Elapsed.TotalMicroseconds / requests);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"// round {round}: CPU {cpu[^1]:F1} µs, wall {wall[^1]:F1} µs, per request {after.Minus(before, requests)}; {Promoted(gcBefore, gcAfter)}"));
        }

        Console.WriteLine("// rounds, CPU µs/request: " + string.Join(' ', cpu.Select(static c => c.ToString("F1", CultureInfo.InvariantCulture))));
        cpu.Sort();
        wall.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{kind} {path}: CPU {cpu[cpu.Count / 2]:F2} µs/request (min {cpu[0]:F2}), wall {wall[wall.Count / 2]:F2} µs/request (min {wall[0]:F2})"));
        return 0;
    }

    // Bytes found alive per collection: what a request leaves behind until its telemetry is exported.
    private static string Promoted((long Collections, long PromotedFrom0, long PromotedFrom1) before, (long Collections, long PromotedFrom0, long PromotedFrom1) after)
    {
        var collections = Math.Max(1, after.Collections - before.Collections);
        return string.Create(CultureInfo.InvariantCulture,
            $"promoted per GC {(after.PromotedFrom0 - before.PromotedFrom0) / collections / 1024:N0} KB from gen 0, {(after.PromotedFrom1 - before.PromotedFrom1) / collections / 1024:N0} KB from gen 1");
    }

    private static void Blocking(BenchmarkWebApp app, string path, int requests)
    {
        // BenchmarkDotNet's own way of waiting for a task that has not completed: a monitor the continuation pulses,
        // so the measuring thread sleeps (and is woken) on every request instead of spinning.
        var gate = new Gate();
        for (var i = 0; i < requests; i++)
        {
            gate.Wait(app.GetAsync(path));
        }
    }

    private sealed class Gate
    {
        private readonly object _lock = new();
        private readonly Action _pulse;
        private bool _completed;

        public Gate()
        {
            _pulse = () =>
            {
                lock (_lock)
                {
                    _completed = true;
                    Monitor.Pulse(_lock);
                }
            };
        }

        public void Wait(Task<int> task)
        {
            if (!task.IsCompleted)
            {
                lock (_lock)
                {
                    _completed = false;
                    task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_pulse);
                    while (!_completed)
                    {
                        Monitor.Wait(_lock);
                    }
                }
            }

            task.GetAwaiter().GetResult();
        }
    }

    private readonly record struct Counters(long WorkItems, long Exceptions, long Bytes, int Gen0, int Gen1, int Gen2, TimeSpan Pause, long Compiled, long Contentions)
    {
        public static Counters Read() => new(
            ThreadPool.CompletedWorkItemCount,
            Interlocked.Read(ref _exceptions),
            GC.GetTotalAllocatedBytes(precise: false),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            GC.GetTotalPauseDuration(),
            JitInfo.GetCompiledMethodCount(currentThread: false),
            Monitor.LockContentionCount);

        public string Minus(Counters before, int requests) => string.Create(CultureInfo.InvariantCulture,
            $"{(WorkItems - before.WorkItems) / (double)requests:F2} work items, {(Exceptions - before.Exceptions) / (double)requests:F2} exceptions, "
            + $"{(Bytes - before.Bytes) / requests:N0} B; GCs {Gen0 - before.Gen0}/{Gen1 - before.Gen1}/{Gen2 - before.Gen2} (gen 0/1/2), "
            + $"pause {(Pause - before.Pause).TotalMilliseconds:F1} ms, {Contentions - before.Contentions} lock contentions, {Compiled - before.Compiled} methods compiled");
    }
}
