using System.Globalization;

namespace ErrorTelemetry.Benchmarks.Support;

/// <summary>
/// Bytes a request leaves reachable until its telemetry is exported: the spans and log records waiting in the batch
/// processors' queues, and everything they hold (attributes, events, rendered exception text, exceptions). These
/// objects outlive the request, so every gen-0 collection that happens before the export promotes them; enough of them
/// turn gen-0 collections into gen-1 ones. Unlike CPU time, the figure does not depend on the machine's load.
/// </summary>
/// <remarks>
/// Run: <c>dotnet run -c Release --project benchmarks/ErrorTelemetry.Benchmarks -- retained [kind] [success|failure]
/// [requests] [warm-up requests]</c> (defaults: ErrorTelemetry, failure, 400 requests, 20,000 warm-up). The queues are
/// flushed, the heap is measured after a full collection, the requests are sent (fewer than a batch, 512, so no export
/// starts), and the heap is measured again. Each pass prints the difference per request; the spread between passes
/// says how far to trust it.
/// </remarks>
internal static class RequestRetention
{
    private const int Passes = 3;

    public static async Task<int> RunAsync(string[] args)
    {
        var kind = args.Length > 1 ? Enum.Parse<HostKind>(args[1]) : HostKind.ErrorTelemetry;
        var path = args.Length > 2 && args[2] == "success" ? BenchmarkWebApp.SuccessPath : BenchmarkWebApp.FailurePath;
        var requests = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 400;
        var warmup = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 20_000;
        await using var app = await BenchmarkWebApp.StartAsync(kind);
        await app.WarmUpAsync(path, warmup);
        for (var pass = 0; pass < Passes; pass++)
        {
            app.ForceFlush();
            var before = GC.GetTotalMemory(forceFullCollection: true);
            for (var i = 0; i < requests; i++)
            {
                await app.GetAsync(path);
            }

            var after = GC.GetTotalMemory(forceFullCollection: true);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{kind} {path}: {(after - before) / requests:N0} B per request reachable until export (pass {pass + 1}, {requests} requests)"));
        }

        return 0;
    }
}
