using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ErrorTelemetry.Tests.TestSupport;

/// <summary>The outcome of a finished external tool run.</summary>
internal sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError, bool TimedOut)
{
    public string Describe(string commandLine) =>
        $"`{commandLine}` exited with {(TimedOut ? "a timeout" : ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture))}\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";
}

/// <summary>
/// Locates real binaries (promtool, amtool, prometheus, prometheus-alertmanager), runs them to completion with a
/// timeout, or starts long-running ones that are killed (with their children) on dispose. Output is captured so a
/// failing assertion can show what the tool said.
/// </summary>
internal sealed class ExternalTool : IDisposable
{
    private static readonly string[] FallbackDirectories = ["/usr/bin", "/usr/local/bin", "/usr/sbin", "/bin"];

    private static readonly Dictionary<string, string> Packages = new(StringComparer.Ordinal)
    {
        ["promtool"] = "prometheus",
        ["prometheus"] = "prometheus",
        ["amtool"] = "prometheus-alertmanager",
        ["prometheus-alertmanager"] = "prometheus-alertmanager",
    };

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();
    private readonly string _commandLine;

    private ExternalTool(Process process, string commandLine)
    {
        _process = process;
        _commandLine = commandLine;
    }

    /// <summary>Gets a value indicating whether CI is set: missing tools then fail tests instead of skipping them.</summary>
    public static bool IsCi => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    /// <summary>Gets a value indicating whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Gets everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The message a test shows when <paramref name="tool"/> is missing.</summary>
    public static string MissingMessage(string tool) =>
        $"{tool} not found: run `apt-get install {(Packages.TryGetValue(tool, out var package) ? package : tool)}` or `bash .ci/run`";

    /// <summary>Returns the full path of <paramref name="tool"/> on PATH (or a standard bin directory), or null.</summary>
    public static string? Find(string tool)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Concat(FallbackDirectories))
        {
            var candidate = Path.Combine(directory, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Returns the path of <paramref name="tool"/>, or fails the test with <see cref="MissingMessage"/>.</summary>
    public static string Require(string tool) =>
        Find(tool) ?? throw new Xunit.Sdk.XunitException(MissingMessage(tool));

    /// <summary>
    /// Runs <paramref name="tool"/> to completion; on timeout the process tree is killed. <paramref name="environment"/>
    /// sets variables on top of this process's (a null value removes one).
    /// </summary>
    public static async Task<ToolResult> RunAsync(string tool, IEnumerable<string> arguments, TimeSpan timeout, string? standardInput = null, string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        using var process = CreateProcess(Require(tool), arguments, workingDirectory, standardInput is not null, environment);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => AppendLine(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => AppendLine(stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
            process.StandardInput.Close();
        }

        using var cts = new CancellationTokenSource(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            Kill(process);
        }

        // The parameterless wait drains the asynchronous output readers.
        process.WaitForExit();
        lock (stdout)
        {
            lock (stderr)
            {
                return new ToolResult(timedOut ? -1 : process.ExitCode, stdout.ToString(), stderr.ToString(), timedOut);
            }
        }
    }

    /// <summary>
    /// Starts a long-running <paramref name="tool"/>; dispose the result to kill it. <paramref name="environment"/> as
    /// for <see cref="RunAsync"/>.
    /// </summary>
    public static ExternalTool Start(string tool, IEnumerable<string> arguments, string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var argumentList = arguments.ToList();
        var process = CreateProcess(Require(tool), argumentList, workingDirectory, redirectInput: false, environment);
        var started = new ExternalTool(process, tool + " " + string.Join(' ', argumentList));
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Returns a TCP port on 127.0.0.1 that was free a moment ago.</summary>
    public static int GetFreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Describes the command line and its output so far, for assertion messages.</summary>
    public string Describe() => $"`{_commandLine}`{(HasExited ? $" (exited with {_process.ExitCode})" : string.Empty)}\n{Output}";

    public void Dispose()
    {
        Kill(_process);
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
        }
    }

    private static void AppendLine(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (builder)
        {
            builder.AppendLine(line);
        }
    }

    private static Process CreateProcess(string fileName, IEnumerable<string> arguments, string? workingDirectory, bool redirectInput, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
            CreateNoWindow = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        return new Process { StartInfo = startInfo };
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone: nothing left to stop.
        }
    }
}

/// <summary>
/// A fact that needs real binaries: skipped with <see cref="ExternalTool.MissingMessage"/> when one is missing, unless
/// the CI environment variable is set, in which case the test runs and fails with that message.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(params string[] tools)
    {
        Tools = tools;
        if (ExternalTool.IsCi)
        {
            return;
        }

        foreach (var tool in tools)
        {
            if (ExternalTool.Find(tool) is null)
            {
                Skip = ExternalTool.MissingMessage(tool);
                return;
            }
        }
    }

    public IReadOnlyList<string> Tools { get; }
}

/// <summary>Paths inside the repository, found from the test assembly's location.</summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Telemetry.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Telemetry.sln not found above " + AppContext.BaseDirectory);
    });

    public static string Root => LazyRoot.Value;

    public static string Get(params string[] relative) => Path.Combine([Root, .. relative]);
}
