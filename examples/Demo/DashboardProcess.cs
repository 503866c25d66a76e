using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Demo;

/// <summary>
/// The Aspire dashboard from its NuGet package (<c>Aspire.Dashboard.Sdk.linux-x64</c>, fetched by the demo's normal
/// restore and kept in the NuGet cache): a real OTLP receiver (gRPC and HTTP) with trace, log and metric views,
/// started on loopback for the demo's services to export to. No Docker, no other install.
/// </summary>
internal sealed class DashboardProcess : IDisposable
{
    private const int PreferredPort = 18888;

    private readonly Process _process;

    private DashboardProcess(Process process, Uri url, Uri otlpGrpc, Uri otlpHttp)
    {
        _process = process;
        Url = url;
        OtlpGrpc = otlpGrpc;
        OtlpHttp = otlpHttp;
    }

    public Uri Url { get; }

    public Uri OtlpGrpc { get; }

    public Uri OtlpHttp { get; }

    /// <summary>The dashboard's page for one trace, with the failed span selected: the services' triage links use it.</summary>
    public string TraceLinkTemplate => Url.ToString().TrimEnd('/') + "/traces/detail/{traceId}?spanId={spanId}";

    /// <summary>Where the restore put the dashboard, or why there is none.</summary>
    public static string? Find(out string? whyNot)
    {
        var path = typeof(DashboardProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "AspireDashboardPath")?.Value;
        whyNot = path is null
            ? "the Aspire dashboard package exists for linux-x64 only"
            : File.Exists(path) ? null : $"the Aspire dashboard is not at {path} (was the NuGet restore complete?)";
        return whyNot is null ? path : null;
    }

    public static async Task<DashboardProcess> StartAsync(string path, CancellationToken cancellationToken)
    {
        var url = new Uri($"http://127.0.0.1:{(IsFree(PreferredPort) ? PreferredPort : FreePort())}");
        var grpc = new Uri($"http://127.0.0.1:{FreePort()}");
        var http = new Uri($"http://127.0.0.1:{FreePort()}");
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) == 0)
        {
            // A restore that did not apply the package's file permissions.
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute);
        }

        var start = ServiceProcess.StartInfo(path, [], Path.GetDirectoryName(path)!);
        start.Environment["ASPNETCORE_URLS"] = url.ToString().TrimEnd('/');
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = grpc.ToString().TrimEnd('/');
        start.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = http.ToString().TrimEnd('/');
        // Loopback only, for the demo: no login page, no OTLP API key.
        start.Environment["Dashboard__Frontend__AuthMode"] = "Unsecured";
        start.Environment["Dashboard__Otlp__AuthMode"] = "Unsecured";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {path}.");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var dashboard = new DashboardProcess(process, url, grpc, http);
        try
        {
            await dashboard.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            dashboard.Dispose();
            throw;
        }

        return dashboard;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the Aspire dashboard exited with code {_process.ExitCode} while starting");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("/", UriKind.Relative), cancellationToken).ConfigureAwait(false);
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

        throw new TimeoutException($"the Aspire dashboard did not answer on {Url} within 30 seconds");
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
