using System.Globalization;
using ErrorTelemetry.Tool.Catalog;
using ErrorTelemetry.Tool.Collector;
using ErrorTelemetry.Tool.Diff;
using ErrorTelemetry.Tool.Docs;
using ErrorTelemetry.Tool.Rules;
using ErrorTelemetry.Tool.Schema;

namespace ErrorTelemetry.Tool;

/// <summary>
/// The <c>errortelemetry</c> command line. Exit codes: 0 done, 1 breaking changes or drift found, 2 bad usage or an
/// invalid catalog (the message names each problem).
/// </summary>
internal static class Cli
{
    public const int Ok = 0;
    public const int Findings = 1;
    public const int Failed = 2;

    private const string Usage = """
        errortelemetry <command> [options]

        Catalog options (layered as a host does: built-ins, assemblies, catalog file, configuration):
          --assembly <path.dll>     definitions declared in code (static ErrorDefinition fields); repeatable
          --catalog <file.json>     the JSON catalog file (ErrorTelemetry:CatalogFile)
          --config <appsettings>    the ErrorTelemetry section of a configuration file; repeatable
          -o, --output <file>       write there instead of standard output

        Commands:
          docs     Markdown error reference, one section per code (anchor = the code), by owner and category
          rules    Prometheus alert rules per code [--threshold CODE=N]... [--docs-url <url>] [--tests <file>]
          schema   the JSON Schema of the catalog file
          export   the catalog as a catalog file [--all to include built-in codes]
          collector  collector configuration from the catalog and the redaction options (--config):
                   --kind agent|gateway [--gateway-host <dns name>] [--backend <host:port>] [--sample-percent N]
          diff     <before> <after>: breaking changes between two catalogs; exit 1 when there are any
          check    <source> <source>...: the same code meaning different things across services; exit 1 on drift
                   [--header "X-Api-Key: key"]... sent to catalog endpoints (diff takes it too)

        A <source> is an assembly (.dll), a catalog file, an appsettings.json, or a service's catalog endpoint URL
        (http://host/_errortelemetry/failures/catalog).
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await output.WriteLineAsync(Usage).ConfigureAwait(false);
            return args.Length == 0 ? Failed : Ok;
        }

        try
        {
            var options = Options.Parse(args.AsSpan(1));
            switch (args[0])
            {
                case "docs":
                    return await WriteAsync(options, output, ErrorReference.Render(BuildCatalog(options))).ConfigureAwait(false);
                case "rules":
                    var catalog = BuildCatalog(options);
                    var thresholds = Thresholds(options);
                    if (options.Single("--tests") is { } testsPath)
                    {
                        var rulesName = options.Single("-o", "--output") is { } rulesPath
                            ? Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(testsPath))!, Path.GetFullPath(rulesPath))
                            : "errortelemetry.catalog.rules.yml";
                        await File.WriteAllTextAsync(testsPath, AlertRules.RenderTests(catalog, thresholds, options.Single("--docs-url"), rulesName), cancellationToken).ConfigureAwait(false);
                    }

                    return await WriteAsync(options, output, AlertRules.Render(catalog, thresholds, options.Single("--docs-url"))).ConfigureAwait(false);
                case "schema":
                    return await WriteAsync(options, output, CatalogSchema.Render()).ConfigureAwait(false);
                case "export":
                    return await WriteAsync(options, output, CatalogExport.Render(BuildCatalog(options), options.Has("--all"))).ConfigureAwait(false);
                case "collector":
                    return await WriteAsync(options, output, Collector(options)).ConfigureAwait(false);
                case "diff":
                    return await DiffAsync(options, output, cancellationToken).ConfigureAwait(false);
                case "check":
                    return await CheckAsync(options, output, cancellationToken).ConfigureAwait(false);
                default:
                    await error.WriteLineAsync($"errortelemetry: unknown command '{args[0]}'; run errortelemetry --help").ConfigureAwait(false);
                    return Failed;
            }
        }
        catch (Exception e) when (e is CatalogException or UsageException or IOException or HttpRequestException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync("errortelemetry: " + e.Message).ConfigureAwait(false);
            return Failed;
        }
    }

    private static IReadOnlyList<ErrorDefinition> BuildCatalog(Options options) =>
        CatalogSources.Build(options.All("--assembly"), options.Single("--catalog"), options.All("--config"));

    private static string Collector(Options options)
    {
        var inputs = new CollectorInputs(BuildCatalog(options), CatalogSources.Redaction(options.All("--config")));
        inputs = inputs with
        {
            GatewayHostname = options.Single("--gateway-host") ?? inputs.GatewayHostname,
            BackendEndpoint = options.Single("--backend") ?? inputs.BackendEndpoint,
        };
        if (options.Single("--sample-percent") is { } percent)
        {
            inputs = inputs with
            {
                SamplingPercentage = int.TryParse(percent, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= 100
                    ? value
                    : throw new UsageException($"--sample-percent '{percent}' must be a whole number from 0 to 100"),
            };
        }

        return options.Single("--kind") switch
        {
            "agent" => CollectorConfigs.Agent(inputs),
            "gateway" or null => CollectorConfigs.Gateway(inputs),
            var other => throw new UsageException($"--kind '{other}' must be agent or gateway"),
        };
    }

    private static Dictionary<string, int> Thresholds(Options options)
    {
        var thresholds = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in options.All("--threshold"))
        {
            var parts = item.Split('=', 2);
            if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                throw new UsageException($"--threshold '{item}' must be CODE=N, N failures per 5 minutes (a whole number)");
            }

            thresholds[parts[0]] = value;
        }

        return thresholds;
    }

    private static async Task<int> DiffAsync(Options options, TextWriter output, CancellationToken cancellationToken)
    {
        if (options.Positional.Count != 2)
        {
            throw new UsageException("diff takes two catalogs: errortelemetry diff <before> <after>");
        }

        using var http = Http(options);
        var before = await CatalogSources.ReadAsync(options.Positional[0], http, cancellationToken).ConfigureAwait(false);
        var after = await CatalogSources.ReadAsync(options.Positional[1], http, cancellationToken).ConfigureAwait(false);
        var changes = CatalogDiff.Compare(before, after);
        var breaking = changes.Count(c => c.IsBreaking);
        var report = new System.Text.StringBuilder();
        foreach (var change in changes)
        {
            report.Append(change.IsBreaking ? "BREAKING " : "info     ").Append(change.Code).Append(": ").AppendLine(change.What);
        }

        report.Append(CultureInfo.InvariantCulture, $"{breaking} breaking change(s), {changes.Count - breaking} other change(s)").AppendLine();
        await WriteAsync(options, output, report.ToString()).ConfigureAwait(false);
        return breaking > 0 ? Findings : Ok;
    }

    private static async Task<int> CheckAsync(Options options, TextWriter output, CancellationToken cancellationToken)
    {
        if (options.Positional.Count < 2)
        {
            throw new UsageException("check compares at least two services: errortelemetry check <source> <source>...");
        }

        using var http = Http(options);
        var catalogs = new List<(string Source, IReadOnlyList<ErrorDefinition> Definitions)>();
        foreach (var source in options.Positional)
        {
            catalogs.Add((source, await CatalogSources.ReadAsync(source, http, cancellationToken).ConfigureAwait(false)));
        }

        var report = new System.Text.StringBuilder();
        var drift = 0;
        for (var i = 0; i < catalogs.Count; i++)
        {
            for (var j = i + 1; j < catalogs.Count; j++)
            {
                // Drift is the same code meaning different things; a code only one service has is not drift.
                foreach (var change in CatalogDiff.Compare(catalogs[i].Definitions, catalogs[j].Definitions))
                {
                    if (change.What is not "added" && !change.What.StartsWith("removed", StringComparison.Ordinal))
                    {
                        drift++;
                        report.Append(change.Code).Append(": ").Append(catalogs[i].Source).Append(" vs ").Append(catalogs[j].Source).Append(": ").AppendLine(change.What);
                    }
                }
            }
        }

        report.Append(CultureInfo.InvariantCulture, $"{drift} difference(s) across {catalogs.Count} catalogs").AppendLine();
        await WriteAsync(options, output, report.ToString()).ConfigureAwait(false);
        return drift > 0 ? Findings : Ok;
    }

    /// <summary>A client for catalog endpoints, which sit behind the triage policy: headers carry the credentials.</summary>
    private static HttpClient Http(Options options)
    {
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var header in options.All("--header"))
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !http.DefaultRequestHeaders.TryAddWithoutValidation(header[..colon].Trim(), header[(colon + 1)..].Trim()))
            {
                http.Dispose();
                throw new UsageException($"--header '{header}' must be 'Name: value'");
            }
        }

        return http;
    }

    private static async Task<int> WriteAsync(Options options, TextWriter output, string text)
    {
        if (options.Single("-o", "--output") is { } path)
        {
            await File.WriteAllTextAsync(path, text).ConfigureAwait(false);
        }
        else
        {
            await output.WriteAsync(text).ConfigureAwait(false);
        }

        return Ok;
    }

    /// <summary>Options as <c>--name value</c> pairs (repeatable), bare flags and positional arguments.</summary>
    private sealed class Options
    {
        private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "--all" };

        private static readonly HashSet<string> Valued = new(StringComparer.Ordinal)
        {
            "--assembly", "--catalog", "--config", "-o", "--output", "--threshold", "--docs-url", "--tests", "--header",
            "--kind", "--gateway-host", "--backend", "--sample-percent",
        };

        private readonly List<(string Name, string? Value)> _items = [];

        public List<string> Positional { get; } = [];

        public static Options Parse(ReadOnlySpan<string> args)
        {
            var options = new Options();
            for (var i = 0; i < args.Length; i++)
            {
                var arg = args[i];
                if (Flags.Contains(arg))
                {
                    options._items.Add((arg, null));
                }
                else if (Valued.Contains(arg))
                {
                    if (i + 1 >= args.Length)
                    {
                        throw new UsageException($"{arg} needs a value");
                    }

                    options._items.Add((arg, args[++i]));
                }
                else if (arg.StartsWith('-'))
                {
                    throw new UsageException($"unknown option '{arg}'; run errortelemetry --help");
                }
                else
                {
                    options.Positional.Add(arg);
                }
            }

            return options;
        }

        public bool Has(string name) => _items.Exists(i => i.Name == name);

        public List<string> All(string name) => _items.Where(i => i.Name == name && i.Value is not null).Select(i => i.Value!).ToList();

        public string? Single(params string[] names) => _items.LastOrDefault(i => names.Contains(i.Name)).Value;
    }
}

/// <summary>The command line is wrong; the message says how.</summary>
internal sealed class UsageException(string message) : Exception(message);
