using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

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
/// <para>Reading the frames as <see cref="StackFrame"/> objects still costs 1–3 µs per failure (the runtime maps each
/// frame's native offset to an IL offset and makes a method object for it). So a site already printed is found first
/// by what the runtime recorded as the exception passed each frame: the frame's method (its runtime handle) and the
/// instruction pointer in that method's compiled code, which fix the method and IL offset that would be read. That
/// record is private to the runtime; it is read only on a 64-bit runtime and only after probe exceptions read both
/// ways agree (the same frames thrown at different stack depths give one key, two throws in one method give two, a
/// rethrow is marked, a dynamic method is kept alive beside the record), otherwise every failure reads its frames as
/// before. A method and its code stay where they are for the life of the process, except a dynamic method's (the
/// compiled expressions that call minimal-API handlers) or a collectible assembly's: the runtime keeps those alive
/// beside the record, and a key holds what the runtime kept, so it finds only the same dynamic methods, which cannot be
/// collected (and their code reused) while the key holds them. A collectible assembly's site is never remembered.</para>
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

    // The same sites found by their recorded frames; a site's code compiled again (tiering) is a new key, so the index
    // may hold more keys than there are sites, and is emptied when full.
    private static readonly ConcurrentDictionary<RecordedFrames, string> Recorded = new(RecordedFrames.Comparer.Instance);

    private static readonly ConcurrentDictionary<RecordedFrames, string>.AlternateLookup<RecordedFramesSpan> RecordedLookup =
        Recorded.GetAlternateLookup<RecordedFramesSpan>();

    private static readonly bool RecordReadable = Usable && Environment.Is64BitProcess && ReadsRecordAsFrames();

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

    /// <summary>Gets the number of keys of recorded frames that find a remembered site (for tests).</summary>
    internal static int RecordedKeys => Recorded.Count;

    /// <summary>Whether the runtime's record of an exception's frames is read to find its site (for tests).</summary>
    internal static bool ReadsRecord => RecordReadable;

    /// <summary>Whether the throw site of <paramref name="exception"/> is found by the runtime's record of its frames, without reading them (for tests).</summary>
    internal static bool RemembersRecord(Exception exception)
    {
        Span<ulong> words = stackalloc ulong[MaxFrames * RecordedFramesSpan.WordsPerFrame];
        return RecordReadable
            && StackTraceField(exception) is { } record
            && RecordedFramesSpan.TryRead(record, words, CultureInfo.CurrentUICulture.Name, out var key)
            && RecordedLookup.ContainsKey(key);
    }

    /// <summary>Forgets every throw site (for tests that fill the table).</summary>
    internal static void Forget()
    {
        Recorded.Clear();
        Sites.Clear();
    }

    private static string? Cached(Exception exception)
    {
        if (StackTraceField(exception) is not { } record || RemoteStackTraceField(exception) is not null || StackTraceStringField(exception) is not null)
        {
            // Never thrown (no frames), or with text of its own ahead of its frames.
            return exception.StackTrace;
        }

        var stamp = Stamp(record);
        Span<ulong> words = stackalloc ulong[MaxFrames * RecordedFramesSpan.WordsPerFrame];
        if (!RecordReadable || !RecordedFramesSpan.TryRead(record, words, CultureInfo.CurrentUICulture.Name, out var key))
        {
            return FromFrames(exception, out _);
        }

        if (RecordedLookup.TryGetValue(key, out var known))
        {
            return known;
        }

        var text = FromFrames(exception, out var remembered);
        if (remembered && text is not null && Stamp(StackTraceField(exception)) == stamp)
        {
            if (Recorded.Count >= 2 * MaxSites)
            {
                Recorded.Clear();
            }

            RecordedLookup.TryAdd(key, text);
        }

        return text;
    }

    // The site found by reading the exception's frames; remembered says whether the text is the site's remembered one.
    private static string? FromFrames(Exception exception, out bool remembered)
    {
        remembered = false;
        var stamp = Stamp(StackTraceField(exception));
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
            remembered = true;
            return known;
        }

        var text = exception.StackTrace;
        if (text is { Length: <= MaxLength } && Sites.Count < MaxSites && !site.IsCollectible()
            && Stamp(StackTraceField(exception)) == stamp)
        {
            remembered = Sites.TryAdd(site, text);
        }

        return text;
    }

    // The record as it stands: the runtime's record of frames and, in its layout (the same at either bitness), its counts
    // of frames and of what it keeps alive. An exception object thrown on another thread while it is read here (a
    // cached exception, a faulted task's exception rethrown by each awaiter) has its record replaced, or appended to
    // in place as the throw passes each frame: what was read from it is remembered only if the record stood still
    // meanwhile, or a record read halfway would be remembered with the text of all its frames.
    private static (object? Record, ulong Counts) Stamp(object? record)
    {
        var bytes = record as byte[] ?? (record is object?[] { Length: > 0 } array ? array[0] as byte[] : null);
        return (record, bytes is { Length: >= sizeof(ulong) } ? MemoryMarshal.Read<ulong>(bytes) : 0);
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

    // The runtime's record read for probes whose frames are known: one element per frame, each recorded method is the
    // frame's method (except an async method's, whose state machine's method the runtime records through the stub that
    // unboxes it: still one method per frame), the same frames at two stack depths are one key, two throws in one method
    // are two, and a rethrow marks the frame it joined.
    private static bool ReadsRecordAsFrames()
    {
        try
        {
            Exception[] probes = [Thrown(new InvalidOperationException("probe")), Rethrown(), Async(), AtDepth(8, early: true)];
            foreach (var probe in probes)
            {
                if (StackTraceField(probe) is not byte[] || !ReadRecord(probe, out var words)
                    || !RecordsFramesOf(probe, words, compareMethods: !ReferenceEquals(probe, probes[2])))
                {
                    return false;
                }
            }

            if (!KeepsDynamicMethodsApart())
            {
                return false;
            }

            var shallowProbe = AtDepth(1, early: true);
            var deepProbe = AtDepth(8, early: true);
            if (!ReadRecord(shallowProbe, out var shallow) || !ReadRecord(deepProbe, out var deep)
                || !ReadRecord(AtDepth(8, early: false), out var other) || !ReadRecord(probes[0], out var plain)
                || !ReadRecord(probes[1], out var rethrown))
            {
                return false;
            }

            return shallow.AsSpan().SequenceEqual(deep)
                && RecordedFramesSpan.FirstStackPointer((byte[])StackTraceField(shallowProbe)!) != RecordedFramesSpan.FirstStackPointer((byte[])StackTraceField(deepProbe)!)
                && !deep.AsSpan().SequenceEqual(other)
                && !HasForeignMark(plain) && HasForeignMark(rethrown);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false;
        }
    }

    private static bool ReadRecord(Exception exception, out ulong[] words) => ReadRecord(exception, out words, out _);

    private static bool ReadRecord(Exception exception, out ulong[] words, out object?[] keptAlive)
    {
        words = [];
        keptAlive = [];
        Span<ulong> buffer = stackalloc ulong[MaxFrames * RecordedFramesSpan.WordsPerFrame];
        if (StackTraceField(exception) is not { } record || !RecordedFramesSpan.TryRead(record, buffer, string.Empty, out var key))
        {
            return false;
        }

        words = key.Words.ToArray();
        keptAlive = key.KeptAlive.ToArray();
        return true;
    }

    // A dynamic method's frame: the runtime keeps the method alive beside the record. Two throws through one dynamic
    // method are one key; through another with the same code, another key.
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Only run where dynamic code is supported (see Usable).")]
    private static bool KeepsDynamicMethodsApart()
    {
        var first = DynamicThrower();
        var second = DynamicThrower();
        if (!ReadRecord(Caught(first), out var words, out var keptAlive) || keptAlive.Length == 0
            || !ReadRecord(Caught(first), out var again, out var keptAgain)
            || !ReadRecord(Caught(second), out var other, out var keptOther))
        {
            return false;
        }

        GC.KeepAlive(first);
        GC.KeepAlive(second);
        return words.AsSpan().SequenceEqual(again) && SameReferences(keptAlive, keptAgain)
            && keptOther.Length == keptAlive.Length && !SameReferences(keptAlive, keptOther)
            && !(words.AsSpan().SequenceEqual(other) && SameReferences(keptAlive, keptOther));
    }

    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Only run where dynamic code is supported (see Usable).")]
    private static Action DynamicThrower()
    {
        var method = new DynamicMethod("Probe", null, Type.EmptyTypes, typeof(ThrowSiteStackTrace).Module);
        var il = method.GetILGenerator();
        il.Emit(OpCodes.Ldstr, "probe");
        il.Emit(OpCodes.Newobj, typeof(InvalidOperationException).GetConstructor([typeof(string)])!);
        il.Emit(OpCodes.Throw);
        return method.CreateDelegate<Action>();
    }

    private static Exception Caught(Action action)
    {
        try
        {
            action();
            return new InvalidOperationException("unreachable");
        }
        catch (Exception caught)
        {
            return caught;
        }
    }

    private static bool SameReferences(ReadOnlySpan<object?> x, ReadOnlySpan<object?> y)
    {
        if (x.Length != y.Length)
        {
            return false;
        }

        for (var i = 0; i < x.Length; i++)
        {
            if (!ReferenceEquals(x[i], y[i]))
            {
                return false;
            }
        }

        return true;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Only run where dynamic code is supported (see Usable); the probes' own methods are compared.")]
    private static bool RecordsFramesOf(Exception probe, ulong[] words, bool compareMethods)
    {
        var frames = new StackTrace(probe, fNeedFileInfo: false).GetFrames();
        if (frames.Length * RecordedFramesSpan.WordsPerFrame != words.Length)
        {
            return false;
        }

        for (var i = 0; i < frames.Length && compareMethods; i++)
        {
            if (frames[i].GetMethod() is not { } method
                || (ulong)method.MethodHandle.Value != words[(i * RecordedFramesSpan.WordsPerFrame) + 1])
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasForeignMark(ulong[] words)
    {
        for (var i = 2; i < words.Length; i += RecordedFramesSpan.WordsPerFrame)
        {
            if ((words[i] & RecordedFramesSpan.LastFrameOfForeignTrace) != 0)
            {
                return true;
            }
        }

        return false;
    }

    // The same frames, thrown and caught below depth calls of its own: the stack pointers differ with depth (the call is
    // not the last thing the method does, so it is not made a tail call).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Exception AtDepth(int depth, bool early)
    {
        var caught = depth > 1 ? AtDepth(depth - 1, early) : ThrownAtOneOfTwoPlaces(early);
        GC.KeepAlive(early);
        return caught;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Exception ThrownAtOneOfTwoPlaces(bool early)
    {
        try
        {
            if (early)
            {
                throw new InvalidOperationException("probe");
            }

            GC.KeepAlive(early);
            throw new InvalidOperationException("probe");
        }
        catch (Exception caught)
        {
            return caught;
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

    /// <summary>
    /// The runtime's record of the frames an exception passed, as read here: per frame, the instruction pointer, the
    /// method's runtime handle and the frame's flags (whether a rethrow joined another stack after it); what the runtime
    /// keeps alive beside the record (dynamic methods, collectible assemblies); and the name of the culture that prints
    /// them. The record is bytes: a header (frame count, keep-alive count, owning thread) followed by one element per
    /// frame (instruction pointer, stack pointer, method, flags), laid out for a 64-bit process; the stack pointer
    /// differs from one throw to the next and is left out. With anything to keep alive, the bytes are the first item of
    /// an object array whose next items are what is kept alive.
    /// </summary>
    private readonly ref struct RecordedFramesSpan
    {
        public const int WordsPerFrame = 3;

        public const ulong LastFrameOfForeignTrace = 1;

        // The frame flags this runtime writes (last frame of a foreign trace, instruction pointer adjusted, keeps
        // something alive). A frame with any other flag is of a kind the key may not tell apart (later runtimes record
        // an await point of a runtime-async method where the key leaves out the stack pointer), so such a record is
        // not read: its frames are read as StackFrame objects instead.
        private const uint KnownFlags = 0b111;

        private const int HeaderSize = 16;
        private const int ElementSize = 32;
        private const int MethodOffset = 16;
        private const int FlagsOffset = 24;

        public RecordedFramesSpan(ReadOnlySpan<ulong> words, ReadOnlySpan<object?> keptAlive, string culture)
        {
            Words = words;
            KeptAlive = keptAlive;
            Culture = culture;
        }

        public ReadOnlySpan<ulong> Words { get; }

        public ReadOnlySpan<object?> KeptAlive { get; }

        public string Culture { get; }

        /// <summary>The stack pointer recorded for the first frame (which the key leaves out), to check the layout with probes.</summary>
        public static ulong FirstStackPointer(byte[] record) => MemoryMarshal.Read<ulong>(record.AsSpan(HeaderSize + sizeof(ulong)));

        /// <summary>Reads <paramref name="record"/> into <paramref name="words"/>: false when it has no frames, more than fit, or not the shape expected.</summary>
        public static bool TryRead(object record, Span<ulong> words, string culture, out RecordedFramesSpan key)
        {
            key = default;
            ReadOnlySpan<object?> items = [];
            if (record is not byte[] bytes)
            {
                if (record is not object?[] { Length: > 1 } array || array[0] is not byte[] first)
                {
                    return false;
                }

                bytes = first;
                items = array;
            }

            if (bytes.Length < HeaderSize)
            {
                return false;
            }

            var frames = MemoryMarshal.Read<uint>(bytes);
            var keepAlive = MemoryMarshal.Read<uint>(bytes.AsSpan(sizeof(uint)));
            if (frames == 0 || frames > (uint)(words.Length / WordsPerFrame)
                || bytes.Length < HeaderSize + ((int)frames * ElementSize)
                || (items.IsEmpty ? keepAlive != 0 : keepAlive == 0 || keepAlive >= (uint)items.Length))
            {
                return false;
            }

            var count = (int)frames;
            var keptAlive = items.IsEmpty ? items : items.Slice(1, (int)keepAlive);
            var elements = bytes.AsSpan(HeaderSize);
            for (var i = 0; i < count; i++)
            {
                var element = elements.Slice(i * ElementSize, ElementSize);
                words[i * WordsPerFrame] = MemoryMarshal.Read<ulong>(element);
                words[(i * WordsPerFrame) + 1] = MemoryMarshal.Read<ulong>(element[MethodOffset..]);
                var flags = MemoryMarshal.Read<uint>(element[FlagsOffset..]);
                if ((flags & ~KnownFlags) != 0)
                {
                    return false;
                }

                words[(i * WordsPerFrame) + 2] = flags;
            }

            key = new RecordedFramesSpan(words[..(count * WordsPerFrame)], keptAlive, culture);
            return true;
        }
    }

    /// <summary>A <see cref="RecordedFramesSpan"/> kept as a key.</summary>
    private sealed class RecordedFrames(ulong[] words, object?[] keptAlive, string culture)
    {
        public ulong[] Words { get; } = words;

        // Held so that a dynamic method in the key is not collected and its method and code reused by another.
        public object?[] KeptAlive { get; } = keptAlive;

        public string Culture { get; } = culture;

        public sealed class Comparer : IEqualityComparer<RecordedFrames>, IAlternateEqualityComparer<RecordedFramesSpan, RecordedFrames>
        {
            public static readonly Comparer Instance = new();

            public bool Equals(RecordedFrames? x, RecordedFrames? y) =>
                ReferenceEquals(x, y) || (x is not null && y is not null && Equals(new RecordedFramesSpan(x.Words, x.KeptAlive, x.Culture), y));

            public int GetHashCode(RecordedFrames obj) => GetHashCode(new RecordedFramesSpan(obj.Words, obj.KeptAlive, obj.Culture));

            public bool Equals(RecordedFramesSpan alternate, RecordedFrames other) =>
                alternate.Words.SequenceEqual(other.Words)
                && SameReferences(alternate.KeptAlive, other.KeptAlive)
                && string.Equals(alternate.Culture, other.Culture, StringComparison.Ordinal);

            // What is kept alive and the culture are compared, not hashed: the frames' words tell sites apart, and one
            // process prints in one or a few cultures.
            public int GetHashCode(RecordedFramesSpan alternate)
            {
                var hash = default(HashCode);
                hash.AddBytes(MemoryMarshal.AsBytes(alternate.Words));
                return hash.ToHashCode();
            }

            public RecordedFrames Create(RecordedFramesSpan alternate) => new(alternate.Words.ToArray(), alternate.KeptAlive.ToArray(), alternate.Culture);
        }
    }
}
