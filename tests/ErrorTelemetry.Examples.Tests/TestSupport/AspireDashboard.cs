using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace ErrorTelemetry.Tests.TestSupport;

/// <summary>
/// The real Aspire dashboard (NuGet <c>Aspire.Dashboard.Sdk.linux-x64</c>, restored with the test project) started
/// on loopback with free ports: an OTLP receiver over gRPC and HTTP, a trace and log UI, and a telemetry HTTP API
/// whose answers are OTLP JSON inside a <c>data</c> wrapper. Unsecured: it listens on 127.0.0.1 only.
/// </summary>
internal sealed class AspireDashboard : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly HttpClient _api;

    private AspireDashboard(Process process, Uri frontend, Uri otlpGrpc, Uri otlpHttp)
    {
        _process = process;
        Frontend = frontend;
        OtlpGrpc = otlpGrpc;
        OtlpHttp = otlpHttp;
        _api = new HttpClient { BaseAddress = frontend, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>Gets where the restore put the dashboard's executable, or null when this platform has no package.</summary>
    public static string? ExecutablePath =>
        typeof(AspireDashboard).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "AspireDashboardPath")?.Value;

    public static string MissingMessage =>
        $"The Aspire dashboard (NuGet Aspire.Dashboard.Sdk.linux-x64) is not at '{ExecutablePath ?? "(no path: the package exists for linux-x64 only)"}': run `dotnet restore` with access to NuGet, on linux-x64.";

    public static bool IsAvailable => ExecutablePath is { } path && File.Exists(path);

    public Uri Frontend { get; }

    public Uri OtlpGrpc { get; }

    public Uri OtlpHttp { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<AspireDashboard> StartAsync()
    {
        var path = ExecutablePath is { } p && File.Exists(p) ? p : throw new Xunit.Sdk.XunitException(MissingMessage);
        var frontend = new Uri($"http://127.0.0.1:{ExternalTool.GetFreeTcpPort()}");
        var grpc = new Uri($"http://127.0.0.1:{ExternalTool.GetFreeTcpPort()}");
        var http = new Uri($"http://127.0.0.1:{ExternalTool.GetFreeTcpPort()}");
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(path)!,
        };
        start.Environment["ASPNETCORE_URLS"] = frontend.ToString().TrimEnd('/');
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = grpc.ToString().TrimEnd('/');
        start.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = http.ToString().TrimEnd('/');
        start.Environment["Dashboard__Frontend__AuthMode"] = "Unsecured";
        start.Environment["Dashboard__Otlp__AuthMode"] = "Unsecured";
        start.Environment["Dashboard__Api__AuthMode"] = "Unsecured";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + path);
        var dashboard = new AspireDashboard(process, frontend, grpc, http);
        process.OutputDataReceived += (_, e) => dashboard.Append(e.Data);
        process.ErrorDataReceived += (_, e) => dashboard.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await dashboard.WaitUntilReadyAsync();
        }
        catch
        {
            dashboard.Dispose();
            throw;
        }

        return dashboard;
    }

    /// <summary>GET on the telemetry API (<c>/api/telemetry/…</c>); the raw JSON text.</summary>
    public async Task<string> GetAsync(string pathAndQuery)
    {
        using var response = await _api.GetAsync(new Uri("/api/telemetry/" + pathAndQuery, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /api/telemetry/{pathAndQuery} answered {(int)response.StatusCode}: {body}");
        return body;
    }

    /// <summary>Polls <paramref name="pathAndQuery"/> until <paramref name="done"/> holds (the dashboard ingests asynchronously); returns the last answer.</summary>
    public async Task<JsonDocument> WaitForAsync(string pathAndQuery, Func<JsonElement, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var document = JsonDocument.Parse(await GetAsync(pathAndQuery));
            if (done(document.RootElement) || DateTime.UtcNow > deadline)
            {
                return document;
            }

            document.Dispose();
            await Task.Delay(250);
        }
    }

    public void Dispose()
    {
        _api.Dispose();
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
        }

        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new Xunit.Sdk.XunitException($"The Aspire dashboard exited with {_process.ExitCode} while starting:\n{Output}");
            }

            try
            {
                using var response = await _api.GetAsync(new Uri("/api/telemetry/resources", UriKind.Relative));
                if (response.IsSuccessStatusCode && Output.Contains("OTLP/HTTP listening on", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        throw new Xunit.Sdk.XunitException($"The Aspire dashboard did not answer on {Frontend} within 60 s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}

/// <summary>A fact that needs the Aspire dashboard package: skipped with a message when it was not restored, unless CI is set (then it fails).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AspireDashboardFactAttribute : FactAttribute
{
    public AspireDashboardFactAttribute()
    {
        if (!ExternalTool.IsCi && !AspireDashboard.IsAvailable)
        {
            Skip = AspireDashboard.MissingMessage;
        }
    }
}
