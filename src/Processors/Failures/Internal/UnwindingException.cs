using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace ErrorTelemetry.Failures.Internal;

/// <summary>
/// Finds the exception a span ends with when it is stopped by the unwinding of that exception: an application's
/// <c>using var span = source.StartActivity(…)</c> that a failure passes through, which records nothing itself.
/// </summary>
/// <remarks>
/// The runtime says whether the current thread is handling an exception (<see cref="Marshal.GetExceptionPointers"/>,
/// non-zero in a <c>finally</c>, <c>catch</c> or filter while an exception is dispatched); a span that started
/// outside that handling and ends inside it ends because of it. The exception itself is the last one thrown on the
/// thread, remembered by a first-chance handler (one weak reference per thread, so nothing is kept alive).
/// </remarks>
internal static class UnwindingException
{
    private const string StartPointersProperty = "ErrorTelemetry.StartExceptionPointers";

    [ThreadStatic]
    private static WeakReference<Exception>? _lastThrown;

    // True once this thread was seen handling no exception and has thrown none since: then it handles none now, known
    // without asking the runtime (a call that costs more than the rest of a successful span's check). Every exception
    // raises the first-chance event on its thread before any handler runs, which clears it.
    [ThreadStatic]
    private static bool _quiet;

    private static int _installed;

    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 0)
        {
            AppDomain.CurrentDomain.FirstChanceException += OnFirstChance;
        }
    }

    /// <summary>Remembers that a span started while an exception was being handled (rare), so that handling is not mistaken for a new failure.</summary>
    public static void OnStart(Activity activity)
    {
        var pointers = HandledPointers();
        if (pointers != IntPtr.Zero)
        {
            activity.SetCustomProperty(StartPointersProperty, pointers);
        }
    }

    /// <summary>
    /// Gets whether the current thread may be handling an exception; <see langword="false"/> when it is known to handle
    /// none, without asking the runtime (then <see cref="Of"/> returns null).
    /// </summary>
    public static bool MayBeHandling => !_quiet;

    /// <summary>The exception unwinding through the span as it ends, or null when the span ends normally.</summary>
    public static Exception? Of(Activity activity)
    {
        var pointers = HandledPointers();
        if (pointers == IntPtr.Zero || (activity.GetCustomProperty(StartPointersProperty) is IntPtr start && start == pointers))
        {
            return null;
        }

        return _lastThrown is { } last && last.TryGetTarget(out var exception) ? exception : null;
    }

    // The exception being handled on this thread, as the runtime identifies it, or zero.
    private static IntPtr HandledPointers()
    {
        if (_quiet)
        {
            return IntPtr.Zero;
        }

        var pointers = Marshal.GetExceptionPointers();
        _quiet = pointers == IntPtr.Zero && Volatile.Read(ref _installed) != 0;
        return pointers;
    }

    private static void OnFirstChance(object? sender, FirstChanceExceptionEventArgs e)
    {
        _quiet = false;

        // Every exception of the process passes here: one reused weak reference per thread, nothing else.
        if (_lastThrown is { } last)
        {
            last.SetTarget(e.Exception);
        }
        else
        {
            _lastThrown = new WeakReference<Exception>(e.Exception);
        }
    }
}
