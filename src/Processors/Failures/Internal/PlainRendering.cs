using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using ErrorTelemetry.Classification.Internal;

namespace ErrorTelemetry.Failures.Internal;

/// <summary>
/// What <see cref="Exception.ToString"/> prints for an exception without an inner exception whose type does not change
/// how it is printed, put together here: the type's name, <c>": "</c> and the message when there is one, and the stack
/// trace on a line of its own. <see cref="Exception.ToString"/> looks up a resource string (the end-of-inner-exception
/// line) on every call, even when there is no inner exception to end, which costs more than the rest of it.
/// </summary>
/// <remarks>
/// <para>Used only where it prints exactly what <see cref="Exception.ToString"/> would: the type keeps
/// <see cref="Exception"/>'s own <see cref="Exception.ToString"/> and <see cref="Exception.StackTrace"/>, and its
/// <see cref="Exception.Message"/> is <see cref="Exception"/>'s or the runtime library's (the text is read once here,
/// where <see cref="Exception.ToString"/> would read it again). Once per process, probe exceptions are printed both ways;
/// if the runtime prints them differently, this is never used. Nor is it in a native AOT build, whose reflection may
/// not see a type's own <see cref="Exception.ToString"/>.</para>
/// <para>Thread-safe. What a type is decided once per type, for at most <see cref="MaxCachedTypes"/> types; any other
/// type is printed by <see cref="Exception.ToString"/>.</para>
/// </remarks>
internal static class PlainRendering
{
    /// <summary>The most types whose printing is remembered.</summary>
    internal const int MaxCachedTypes = 1024;

    private static readonly TypeAnswers<bool> Types = new(MaxCachedTypes, Decide);

    private static readonly bool Matches = RuntimeFeature.IsDynamicCodeSupported && MatchesToString();

    private static Printed? _lastPrinted;

    private static Printed? _lastHead;

    /// <summary>Gets the number of types whose printing is remembered.</summary>
    internal static int CachedTypes => Types.Count;

    /// <summary>Forgets every remembered type (for tests that fill the bound).</summary>
    internal static void ForgetCachedTypes() => Types.Forget();

    /// <summary>What <see cref="Exception.ToString"/> prints for <paramref name="exception"/>, or <see langword="null"/> when it must be asked.</summary>
    /// <param name="exception">The exception.</param>
    /// <param name="message">Its <see cref="Exception.Message"/>, already read (never a stand-in for a failed read).</param>
    /// <param name="stackStart">Where the stack trace starts in the text, or -1 when there is none.</param>
    public static string? TryRender(Exception exception, string message, out int stackStart)
    {
        stackStart = -1;
        if (!Matches || exception.InnerException is not null || !Applies(exception.GetType()))
        {
            return null;
        }

        return Print(exception, message, out stackStart);
    }

    /// <summary>Whether exceptions of <paramref name="type"/> are printed here rather than by their <see cref="Exception.ToString"/>.</summary>
    internal static bool Applies(Type type) => Types.TryGet(type, out var plain) && plain;

    private static string Print(Exception exception, string message, out int stackStart)
    {
        var className = exception.GetType().ToString();
        var trace = ThrowSiteStackTrace.Of(exception);
        var last = Volatile.Read(ref _lastPrinted);
        if (trace is not null && last is not null && ReferenceEquals(last.Trace, trace)
            && string.Equals(last.ClassName, className, StringComparison.Ordinal) && string.Equals(last.Message, message, StringComparison.Ordinal))
        {
            // The same failure again (a storm): one text for all of them, neither built again nor kept alive once per
            // failure until the batch export. A throw site's stack trace is one instance (ThrowSiteStackTrace).
            stackStart = last.StackStart;
            return last.Text;
        }

        stackStart = -1;
        if (trace is null)
        {
            // An exception created, not thrown, prints as its type and message alone: the same type and message as last
            // time (a run of one failure) give the same text, not a new copy per failure. A slot of its own, so that
            // thrown and unthrown failures in turn do not take each other's.
            var lastHead = Volatile.Read(ref _lastHead);
            if (lastHead is not null && string.Equals(lastHead.ClassName, className, StringComparison.Ordinal)
                && string.Equals(lastHead.Message, message, StringComparison.Ordinal))
            {
                return lastHead.Text;
            }

            var printed = Head(className, message);
            Volatile.Write(ref _lastHead, new Printed(string.Empty, className, message, printed, -1));
            return printed;
        }

        var head = Head(className, message);
        stackStart = head.Length + Environment.NewLine.Length;
        var text = string.Concat(head, Environment.NewLine, trace);
        Volatile.Write(ref _lastPrinted, new Printed(trace, className, message, text, stackStart));
        return text;
    }

    private static string Head(string className, string message) =>
        message.Length == 0 ? className : string.Concat(className, ": ", message);

    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2070",
        Justification = "Not used in native AOT (see Matches). With IL trimming, a method that is kept is seen; one that was removed is never called.")]
    private static bool Decide(Type type)
    {
        try
        {
            const BindingFlags Public = BindingFlags.Public | BindingFlags.Instance;
            var toString = type.GetMethod(nameof(ToString), Public, Type.EmptyTypes);
            var stackTrace = type.GetMethod("get_" + nameof(Exception.StackTrace), Public, Type.EmptyTypes);
            var message = type.GetMethod("get_" + nameof(Exception.Message), Public, Type.EmptyTypes);
            return toString?.DeclaringType == typeof(Exception)
                && stackTrace?.DeclaringType == typeof(Exception)
                && message?.DeclaringType?.Assembly == typeof(Exception).Assembly;
        }
        catch (AmbiguousMatchException)
        {
            return false;
        }
    }

    // Printed both ways once: thrown and not, with a message, a default message, a message the runtime's type
    // extends, and an empty one.
    private static bool MatchesToString()
    {
        try
        {
            Exception[] probes =
            [
                ThrowSiteStackTrace.Thrown(new TimeoutException("probe")),
                new InvalidOperationException(),
                ThrowSiteStackTrace.Thrown(new ArgumentException("probe", "name")),
                new InvalidOperationException(string.Empty),
            ];
            foreach (var probe in probes)
            {
                var text = Print(probe, probe.Message, out var stackStart);
                if (!string.Equals(text, probe.ToString(), StringComparison.Ordinal)
                    || !string.Equals(stackStart < 0 ? null : text[stackStart..], probe.StackTrace, StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false;
        }
    }

    private sealed record Printed(string Trace, string ClassName, string Message, string Text, int StackStart);
}
