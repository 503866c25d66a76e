using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Demo;

/// <summary>
/// One example service running as its own process, as it would in production: separate processes keep each
/// service's telemetry its own.
/// </summary>
internal sealed partial class ServiceProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private const string SetSid = "/usr/bin/setsid";

    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();
    private string? _cause;

    private ServiceProcess(string name, Uri url, Process process)
    {
        Name = name;
        Url = url;
        _process = process;
    }

    public string Name { get; }

    public Uri Url { get; }

    public static async Task<ServiceProcess> StartAsync(string name, Uri url, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var childArguments = new List<string> { "--urls", url.ToString().TrimEnd('/') };
        childArguments.AddRange(arguments);
        var start = StartInfo(Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? name + ".exe" : name), childArguments, AppContext.BaseDirectory);
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var service = new ServiceProcess(name, url, process);
        process.OutputDataReceived += (_, e) => service.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => service.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await service.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
        return service;
    }

    /// <summary>
    /// How the demo starts a child: in a session of its own where <c>setsid</c> exists, so Ctrl+C (SIGINT to the
    /// terminal's whole process group) reaches only the demo, which draws its final frame before it stops the children.
    /// </summary>
    public static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> arguments, string workingDirectory)
    {
        var detached = !OperatingSystem.IsWindows() && File.Exists(SetSid);
        var start = new ProcessStartInfo(detached ? SetSid : fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        if (detached)
        {
            // setsid execs the program in place (same process id), so SIGTERM below reaches the service itself.
            start.ArgumentList.Add(fileName);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // A graceful stop, as an orchestrator does: the service flushes its telemetry on the way out.
            if (OperatingSystem.IsWindows() || Kill(_process.Id, SigTerm) != 0)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} while starting: {Cause()}{Environment.NewLine}{LastLines()}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"{Name} did not become ready on {Url} within 60 seconds:{Environment.NewLine}{LastLines()}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lastLines)
        {
            if (_cause is null && line.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                // Kept apart: the stack frames that follow would push it out of the last lines.
                _cause = line.Trim();
            }

            _lastLines.Enqueue(line);
            if (_lastLines.Count > 40)
            {
                _lastLines.Dequeue();
            }
        }
    }

    /// <summary>The line that says why the service stopped (Kestrel's "address already in use"), not the stack frames under it.</summary>
    private string Cause()
    {
        lock (_lastLines)
        {
            if (_cause is not null)
            {
                return _cause;
            }

            foreach (var line in _lastLines)
            {
                var text = line.TrimStart();
                if (!text.StartsWith("at ", StringComparison.Ordinal) && !text.StartsWith("---", StringComparison.Ordinal) && text.Contains("Exception", StringComparison.Ordinal))
                {
                    return text;
                }
            }

            return "see its last lines below";
        }
    }

    private string LastLines()
    {
        lock (_lastLines)
        {
            return string.Join(Environment.NewLine, _lastLines);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
