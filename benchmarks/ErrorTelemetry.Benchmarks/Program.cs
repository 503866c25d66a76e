using BenchmarkDotNet.Running;
using ErrorTelemetry.Benchmarks.Support;

// dotnet run -c Release --project benchmarks/ErrorTelemetry.Benchmarks -- --filter '*'
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchmarkConfig.Create(args));
PerformanceTable.Write(summaries);
