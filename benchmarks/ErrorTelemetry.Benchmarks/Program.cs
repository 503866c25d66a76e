using BenchmarkDotNet.Running;
using ErrorTelemetry.Benchmarks.Support;

// BenchmarkDotNet's usual arguments: --filter '*', --list flat, --job short, …
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchmarkConfig.Create(args));
PerformanceTable.Write(summaries);
