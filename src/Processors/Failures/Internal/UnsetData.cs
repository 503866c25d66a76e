using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using ErrorTelemetry.Classification.Internal;

namespace ErrorTelemetry.Failures.Internal;

/// <summary>
/// Tells, without reading <see cref="Exception.Data"/>, that an exception's data is empty because nothing ever wrote
/// to it: <see cref="Exception"/>'s own getter creates the dictionary on first read, an allocation (and a few dozen
/// nanoseconds) on every failure, though most exceptions carry no data at all.
/// </summary>
/// <remarks>
/// <para>Answers <see langword="true"/> only where reading <see cref="Exception.Data"/> would return a new, empty
/// dictionary: the exception's type keeps <see cref="Exception"/>'s own getter, and the field that getter fills is
/// still unset, so no writer (ErrorTelemetry's <c>WithContext</c>, the downstream cause, the application, a library)
/// has reached the data. Any other case answers <see langword="false"/> and the data is read as before. Off in native
/// AOT (whose reflection may not see a type's own getter), and if the runtime has no such field.</para>
/// <para>Thread-safe. The getter is looked up once per type, for at most <see cref="MaxCachedTypes"/> types besides the
/// runtime library's own; any other type is read through its getter.</para>
/// </remarks>
internal static class UnsetData
{
    /// <summary>The most types whose getter is remembered.</summary>
    internal const int MaxCachedTypes = 1024;

    private static readonly TypeAnswers<bool> OwnGetter = new(MaxCachedTypes, Decide, keepRuntimeTypes: true);

    private static bool _available = RuntimeFeature.IsDynamicCodeSupported;

    /// <summary>Gets the number of types whose getter is remembered.</summary>
    internal static int CachedTypes => OwnGetter.Count;

    /// <summary>Forgets every remembered type (for tests that fill the bound).</summary>
    internal static void ForgetCachedTypes() => OwnGetter.Forget();

    /// <summary>Whether <paramref name="exception"/>'s data was never written, so that reading it would find it empty.</summary>
    public static bool Of(Exception exception)
    {
        if (!Volatile.Read(ref _available))
        {
            return false;
        }

        try
        {
            return DataField(exception) is null && KeepsOwnGetter(exception.GetType());
        }
        catch (MissingFieldException)
        {
            // A runtime without the field: read the data as before, from now on.
            Volatile.Write(ref _available, false);
            return false;
        }
    }

    /// <summary>Whether exceptions of <paramref name="type"/> read their data through <see cref="Exception"/>'s own getter.</summary>
    internal static bool KeepsOwnGetter(Type type) => OwnGetter.TryGet(type, out var own) && own;

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_data")]
    private static extern ref System.Collections.IDictionary? DataField(Exception exception);

    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2070",
        Justification = "Not used in native AOT (see _available). With IL trimming, a getter that is kept is seen; one that was removed is never called.")]
    private static bool Decide(Type type)
    {
        try
        {
            var getter = type.GetMethod("get_" + nameof(Exception.Data), BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes);
            return getter?.DeclaringType == typeof(Exception);
        }
        catch (AmbiguousMatchException)
        {
            return false;
        }
    }
}
