using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace ErrorTelemetry.Failures.Internal;

/// <summary>
/// <see cref="Exception.StackTrace"/> of a thrown exception, printed once per throw site. The runtime prints a stack
/// trace from the frames the exception passed: each frame's method and IL offset, the file and line the symbols (PDB)
/// give for that offset, and a "previous location" line where a rethrow (<see cref="ExceptionDispatchInfo"/>) joined
/// two stacks, which is always just before the rethrowing frame. Exceptions that passed the same frames at the same
/// offsets therefore print the same text. Reading the frames costs a fraction of printing them: printing looks up the
/// symbols and reads several attributes per frame, on every failure (about 6 µs for a five-frame stack, 20 µs for an
/// async one, against 1–3 µs to read the frames).
/// </summary>
/// <remarks>
/// <para>Only the frames are cached, never an exception's own additions: an exception given a stack trace from elsewhere
/// (<see cref="ExceptionDispatchInfo.SetRemoteStackTrace(Exception, string)"/>, deserialization) is printed by the
/// runtime, as is an exception that was never thrown. Telling them apart reads the exception's private fields; once
/// per process, probe exceptions (thrown, rethrown, async, with a remote stack trace) are printed both ways, and if the
/// fields cannot be read or any text differs, the runtime prints every stack trace, as it does without this class.</para>
/// <para>Bounded: at most <see cref="MaxSites"/> throw sites of at most <see cref="MaxFrames"/> frames and
/// <see cref="MaxLength"/> characters are remembered; any other stack trace is printed each time. A site whose frames
/// belong to a collectible assembly is never remembered, so an unloaded plug-in is not kept alive. Thread-safe.</para>
/// </remarks>
internal static class ThrowSiteStackTrace
{
    /// <summary>The most throw sites remembered.</summary>
    internal const int MaxSites = 512;

    /// <summary>The deepest stack remembered, in frames.</summary>
    internal const int MaxFrames = 64;

    /// <summary>The longest stack trace remembered, in characters.</summary>
    internal const int MaxLength = 4096;

    private static readonly ConcurrentDictionary<Site, string> Sites = new();

    private static readonly bool Usable = RuntimeFeature.IsDynamicCodeSupported && PrintsAsRuntime();

    /// <summary>Gets the number of throw sites remembered.</summary>
    internal static int CachedSites => Sites.Count;

    /// <summary>What <paramref name="exception"/>'s <see cref="Exception.StackTrace"/> returns, printed once per throw site.</summary>
    /// <remarks>Only for exceptions whose type keeps <see cref="Exception"/>'s own <see cref="Exception.StackTrace"/>.</remarks>
    public static string? Of(Exception exception) => Usable ? Cached(exception) : exception.StackTrace;

    /// <summary>Whether the throw site of <paramref name="exception"/> is remembered (for tests).</summary>
    internal static bool Remembers(Exception exception) =>
        StackTraceField(exception) is not null
        && new Site(new StackTrace(exception, fNeedFileInfo: false).GetFrames(), CultureInfo.CurrentUICulture.Name) is { IsKnownMethods: true } site
        && Sites.ContainsKey(site);

    /// <summary>Forgets every throw site (for tests that fill the table).</summary>
    internal static void Forget() => Sites.Clear();

    private static string? Cached(Exception exception)
    {
        if (StackTraceField(exception) is null || RemoteStackTraceField(exception) is not null || StackTraceStringField(exception) is not null)
        {
            // Never thrown (no frames), or with text of its own ahead of its frames.
            return exception.StackTrace;
        }

        var frames = new StackTrace(exception, fNeedFileInfo: false).GetFrames();
        if (frames.Length is 0 or > MaxFrames)
        {
            return exception.StackTrace;
        }

        var site = new Site(frames, CultureInfo.CurrentUICulture.Name);
        if (!site.IsKnownMethods)
        {
            return exception.StackTrace;
        }

        if (Sites.TryGetValue(site, out var known))
        {
            return known;
        }

        var text = exception.StackTrace;
        if (text is { Length: <= MaxLength } && Sites.Count < MaxSites && !site.IsCollectible())
        {
            Sites.TryAdd(site, text);
        }

        return text;
    }

    // Private to the runtime's Exception; PrintsAsRuntime checks they are there and mean what they are read for.
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_stackTrace")]
    private static extern ref object? StackTraceField(Exception exception);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_remoteStackTraceString")]
    private static extern ref string? RemoteStackTraceField(Exception exception);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_stackTraceString")]
    private static extern ref string? StackTraceStringField(Exception exception);

    // Each probe is printed twice here (the second time from the cache) and compared with the runtime's text.
    private static bool PrintsAsRuntime()
    {
        try
        {
            var remote = new InvalidOperationException("probe");
            ExceptionDispatchInfo.SetRemoteStackTrace(remote, "   at Probe.Remote()");
            Exception[] probes =
            [
                Thrown(new InvalidOperationException("probe")),
                Rethrown(),
                Async(),
                Thrown(remote),
            ];
            if (StackTraceField(probes[0]) is null || RemoteStackTraceField(remote) is null
                || StackTraceField(new InvalidOperationException("probe")) is not null)
            {
                return false;
            }

            foreach (var probe in probes)
            {
                var expected = probe.StackTrace;
                if (!string.Equals(Cached(probe), expected, StringComparison.Ordinal)
                    || !string.Equals(Cached(probe), expected, StringComparison.Ordinal))
                {
                    Sites.Clear();
                    return false;
                }
            }

            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Sites.Clear();
            return false;
        }
    }

    /// <summary>Throws <paramref name="exception"/> and returns it as caught: a probe with a stack trace.</summary>
    internal static Exception Thrown(Exception exception)
    {
        try
        {
            throw exception;
        }
        catch (Exception caught)
        {
            return caught;
        }
    }

    private static Exception Rethrown()
    {
        try
        {
            ExceptionDispatchInfo.Capture(Thrown(new InvalidOperationException("probe"))).Throw();
            return new InvalidOperationException("unreachable");
        }
        catch (Exception caught)
        {
            return caught;
        }
    }

    private static Exception Async()
    {
        try
        {
            ThrowInAsyncMethodAsync().GetAwaiter().GetResult();
            return new InvalidOperationException("unreachable");
        }
        catch (Exception caught)
        {
            return caught;
        }
    }

    // Runs to completion on the calling thread: the probe runs on the first failure's thread, which must not wait for
    // the thread pool (an await that yields would, and under load the pool may have no thread to spare). The exception
    // still unwinds through an async method's state machine and is rethrown from its task, as after a real await.
    private static async Task ThrowInAsyncMethodAsync()
    {
        await Task.CompletedTask.ConfigureAwait(false);
        throw new InvalidOperationException("probe");
    }

    /// <summary>The frames an exception passed: each frame's method and IL offset, in order, and the name of the culture that prints them.</summary>
    /// <remarks>A frame's method serves as an identity only (hashed and compared), never reflected over.</remarks>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "A frame's method is only hashed and compared; a site with a frame whose method is unknown is not remembered.")]
    private readonly struct Site : IEquatable<Site>
    {
        private readonly StackFrame[] _frames;
        private readonly string _culture;
        private readonly int _hash;

        public Site(StackFrame[] frames, string culture)
        {
            _frames = frames;
            _culture = culture;
            IsKnownMethods = true;
            var hash = new HashCode();
            foreach (var frame in frames)
            {
                var method = frame.GetMethod();
                IsKnownMethods &= method is not null;
                hash.Add(method);
                hash.Add(frame.GetILOffset());
            }

            _hash = hash.ToHashCode();
        }

        /// <summary>Gets a value indicating whether every frame names its method (a site is remembered only then).</summary>
        public bool IsKnownMethods { get; }

        public bool IsCollectible()
        {
            foreach (var frame in _frames)
            {
                if (frame.GetMethod()?.Module.Assembly.IsCollectible == true)
                {
                    return true;
                }
            }

            return false;
        }

        public bool Equals(Site other)
        {
            if (_hash != other._hash || _frames.Length != other._frames.Length || !string.Equals(_culture, other._culture, StringComparison.Ordinal))
            {
                return false;
            }

            for (var i = 0; i < _frames.Length; i++)
            {
                if (_frames[i].GetILOffset() != other._frames[i].GetILOffset() || !Equals(_frames[i].GetMethod(), other._frames[i].GetMethod()))
                {
                    return false;
                }
            }

            return true;
        }

        public override bool Equals(object? obj) => obj is Site other && Equals(other);

        public override int GetHashCode() => _hash;
    }
}
