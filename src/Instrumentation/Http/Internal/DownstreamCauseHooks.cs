using System.Diagnostics;
using System.Runtime.ExceptionServices;
using ErrorTelemetry.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace ErrorTelemetry.Http.Internal;

/// <summary>
/// The process-wide hook of downstream-cause tracking, installed while at least one host runs: a first-chance
/// exception handler that stores the downstream's code in the <see cref="Exception.Data"/> of the
/// <see cref="HttpRequestException"/> raised for a failed response (<c>EnsureSuccessStatusCode</c>,
/// <c>GetStringAsync</c>, …), at the moment it is thrown, before anything classifies or wraps it. (The client span
/// gets the code from <see cref="ClientSpan"/>, through the HttpClient instrumentation.)
/// </summary>
/// <remarks>Reference-counted: several hosts in one process share one installation.</remarks>
internal static class DownstreamCauseHooks
{
    private static readonly Lock Gate = new();
    private static int _users;

    public static IDisposable Acquire()
    {
        lock (Gate)
        {
            if (_users++ == 0)
            {
                AppDomain.CurrentDomain.FirstChanceException += OnFirstChanceException;
            }
        }

        return new Lease();
    }

    internal static bool IsInstalled
    {
        get
        {
            lock (Gate)
            {
                return _users > 0;
            }
        }
    }

    private static void Release()
    {
        lock (Gate)
        {
            if (--_users == 0)
            {
                AppDomain.CurrentDomain.FirstChanceException -= OnFirstChanceException;
            }
        }
    }

    private static void OnFirstChanceException(object? sender, FirstChanceExceptionEventArgs e)
    {
        // Runs for every exception thrown in the process: the type test comes first and costs nothing else.
        if (e.Exception is not HttpRequestException { StatusCode: { } status } exception)
        {
            return;
        }

        try
        {
            if (DownstreamCause.Find(Activity.Current)?.CodeFor((int)status) is { } code && !exception.Data.Contains(DownstreamCause.DataKey))
            {
                exception.Data[DownstreamCause.DataKey] = code;
            }
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(DownstreamCauseHooks), ex);
        }
    }

    private sealed class Lease : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Release();
            }
        }
    }
}

/// <summary>Holds the process-wide hooks for as long as the host runs.</summary>
internal sealed class DownstreamCauseService : IHostedService
{
    private IDisposable? _lease;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _lease ??= DownstreamCauseHooks.Acquire();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lease, null)?.Dispose();
        return Task.CompletedTask;
    }
}
