using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ErrorTelemetry.Tests.Redaction;

/// <summary>
/// The processor time the calling thread has used: unlike a stopwatch, it does not grow while the thread waits for a
/// core, so other processes loading the machine do not stretch what it measures.
/// </summary>
internal static class ThreadCpuTime
{
    private const int LinuxThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID
    private const int MacThreadCpuClock = 16;

    /// <summary>Returns the processor time <paramref name="work"/> used on the calling thread.</summary>
    public static TimeSpan Of(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var before = Now();
        work();
        return Now() - before;
    }

    private static TimeSpan Now()
    {
        if (OperatingSystem.IsWindows())
        {
            return GetThreadTimes(GetCurrentThread(), out _, out _, out var kernel, out var user)
                ? TimeSpan.FromTicks(kernel + user)
                : throw new InvalidOperationException("GetThreadTimes failed: " + Marshal.GetLastPInvokeError());
        }

        var clock = OperatingSystem.IsMacOS() ? MacThreadCpuClock : LinuxThreadCpuClock;
        var result = OperatingSystem.IsMacOS() ? MacClockGetTime(clock, out var time) : LinuxClockGetTime(clock, out time);
        return result == 0
            ? TimeSpan.FromTicks((time.Seconds * TimeSpan.TicksPerSecond) + (time.Nanoseconds / TimeSpan.NanosecondsPerTick))
            : throw new UnreachableException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed: " + Marshal.GetLastPInvokeError());
    }

    [DllImport("libc.so.6", EntryPoint = "clock_gettime", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int LinuxClockGetTime(int clock, out Timespec time);

    [DllImport("libSystem.dylib", EntryPoint = "clock_gettime", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MacClockGetTime(int clock, out Timespec time);

    [DllImport("kernel32.dll")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    private static extern nint GetCurrentThread();

    [DllImport("kernel32.dll", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool GetThreadTimes(nint thread, out long creation, out long exit, out long kernel, out long user);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
