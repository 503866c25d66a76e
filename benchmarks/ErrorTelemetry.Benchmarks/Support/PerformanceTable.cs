using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ErrorTelemetry.Benchmarks.Support;

/// <summary>
/// Writes the table of docs/performance.md from a run: for every pair, each case's mean, median, allocated bytes,
/// ratio to the class's baseline (of the means, and of the medians, which outliers on a busy machine move less), and
/// whether the target is met (judged on the means). Printed at the end of the run and saved as
/// <c>BenchmarkDotNet.Artifacts/results/performance-table.md</c>, so the document can be refreshed by copying it.
/// </summary>
internal static class PerformanceTable
{
    private static readonly Target[] Targets =
    [
        new("SuccessfulSpanBenchmarks", "WithErrorTelemetry", "≤ 1.10×, +0 B", static r => r.Ratio <= 1.10 && r.ExtraBytes <= 0),
        new("LogRecordBenchmarks", "WithErrorTelemetry", "≤ 1.10×, +0 B", static r => r.Ratio <= 1.10 && r.ExtraBytes <= 0),
        new("FailedSpanBenchmarks", "WithErrorTelemetry", "≤ 2×", static r => r.Ratio <= 2.0),
        new("ErrorLogBenchmarks", "WithErrorTelemetry", "≤ 2×", static r => r.Ratio <= 2.0),
        new("RedactionBenchmarks", "NothingToRedact", "≤ 50 ns, 0 B", static r => r.MeanNs <= 50 && r.Allocated == 0),
        new("RedactionBenchmarks", "NothingToRedactShort", "≤ 10 ns, 0 B", static r => r.MeanNs <= 10 && r.Allocated == 0),
        new("SuccessfulRequestBenchmarks", "WithErrorTelemetry", "≤ 1.05× the bare-SDK host", static r => r.Ratio <= 1.05),
        new("FailedRequestBenchmarks", "WithErrorTelemetry", "≤ 1.5× the bare-SDK host", static r => r.Ratio <= 1.5),
    ];

    public static void Write(IEnumerable<Summary> summaries)
    {
        var list = summaries.Where(static s => s.Reports.Length > 0).ToList();
        if (list.Count == 0)
        {
            return;
        }

        var text = Render(list);
        Console.WriteLine();
        Console.WriteLine(text);
        var path = Path.Combine(list[0].ResultsDirectoryPath, "performance-table.md");
        File.WriteAllText(path, text);
        Console.WriteLine($"// Performance table written to {path}");
    }

    private static string Render(List<Summary> summaries)
    {
        var text = new StringBuilder();
        text.AppendLine("```");
        foreach (var line in summaries[0].HostEnvironmentInfo.ToFormattedString())
        {
            text.AppendLine(line);
        }

        text.AppendLine("```");
        text.AppendLine();
        var jobs = summaries.SelectMany(static s => s.Reports).Select(static r => r.BenchmarkCase.Job.ResolvedId).Distinct().Count();
        text.AppendLine("| Pair | Case | Mean | Median | Allocated | Ratio | Median ratio | Target | Met |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---|---|");
        foreach (var summary in summaries)
        {
            // A --job on the command line runs every case once per job: each job's cases compare to its own baseline.
            foreach (var job in summary.Reports.Where(static r => r.ResultStatistics is not null).GroupBy(static r => r.BenchmarkCase.Job.ResolvedId))
            {
                var rows = job
                    .Select(static r => new Row(
                        r.BenchmarkCase.Descriptor.Type.Name,
                        CaseName(r.BenchmarkCase),
                        r.BenchmarkCase.Descriptor.Baseline,
                        r.ResultStatistics!.Mean,
                        r.ResultStatistics.Median,
                        r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase)))
                    .ToList();
                var baseline = rows.FirstOrDefault(static r => r.IsBaseline);
                foreach (var row in rows)
                {
                    var measured = baseline is null ? row : row with
                    {
                        Ratio = row.MeanNs / baseline.MeanNs,
                        MedianRatio = row.MedianNs / baseline.MedianNs,
                        ExtraBytes = row.Allocated - baseline.Allocated,
                    };
                    var target = Targets.FirstOrDefault(t => t.Class == row.Class && t.Method == row.Method);
                    var pair = row.Class.Replace("Benchmarks", "", StringComparison.Ordinal);
                    if (jobs > 1)
                    {
                        pair += " (" + job.Key + ")";
                    }

                    text.Append(CultureInfo.InvariantCulture, $"| {pair} | {row.Method} | {FormatTime(row.MeanNs)} | {FormatTime(row.MedianNs)} | {FormatBytes(row.Allocated)} | ")
                        .Append(FormatRatio(baseline, measured.Ratio))
                        .Append(" | ")
                        .Append(FormatRatio(baseline, measured.MedianRatio))
                        .Append(" | ")
                        .Append(target?.Text ?? "")
                        .Append(" | ")
                        .Append(target is null ? "" : target.IsMet(measured) ? "yes" : "**no**")
                        .AppendLine(" |");
                }
            }
        }

        return text.ToString();
    }

    private static string FormatTime(double ns) => ns switch
    {
        < 1_000 => ns.ToString("0.0", CultureInfo.InvariantCulture) + " ns",
        < 1_000_000 => (ns / 1_000).ToString("0.00", CultureInfo.InvariantCulture) + " µs",
        _ => (ns / 1_000_000).ToString("0.00", CultureInfo.InvariantCulture) + " ms",
    };

    private static string FormatRatio(Row? baseline, double ratio) =>
        baseline is null ? "–" : ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×";

    private static string FormatBytes(long? bytes) =>
        bytes is null ? "?" : bytes.Value.ToString("N0", CultureInfo.InvariantCulture) + " B";

    private static string CaseName(BenchmarkCase benchmark) =>
        benchmark.HasParameters
            ? benchmark.Descriptor.WorkloadMethod.Name + " [" + benchmark.Parameters.DisplayInfo + "]"
            : benchmark.Descriptor.WorkloadMethod.Name;

    private sealed record Row(string Class, string Method, bool IsBaseline, double MeanNs, double MedianNs, long? Allocated)
    {
        public double Ratio { get; init; } = double.NaN;

        public double MedianRatio { get; init; } = double.NaN;

        public long? ExtraBytes { get; init; }
    }

    private sealed record Target(string Class, string Method, string Text, Func<Row, bool> IsMet);
}
