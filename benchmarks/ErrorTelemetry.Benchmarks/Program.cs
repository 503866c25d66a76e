using BenchmarkDotNet.Running;
using ErrorTelemetry.Benchmarks.Support;

// "storm": the error-storm load test on loopback (see Support/ErrorStorm.cs); "serve": one of its host processes.
if (args.Length > 0 && args[0] == "storm")
{
    return await ErrorStorm.RunAsync(args);
}

if (args.Length > 0 && args[0] == "cpu")
{
    return await RequestCpu.RunAsync(args);
}

if (args.Length > 0 && args[0] == "retained")
{
    return await RequestRetention.RunAsync(args);
}

if (args.Length > 1 && args[0] == "serve")
{
    return await ErrorStorm.ServeAsync(args);
}

// BenchmarkDotNet's usual arguments: --filter '*', --list flat, --job short, …
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchmarkConfig.Create(args));
PerformanceTable.Write(summaries);
return 0;
