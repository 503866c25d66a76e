using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using ErrorTelemetry.Failures.Internal;

namespace ErrorTelemetry.Classification.Internal;

/// <summary>
/// A short, stable grouping key for a failure: 16 lower-case hex digits of FNV-1a (64-bit) over the UTF-8 of
/// <c>code \n exception type \n frame 1 \n … frame N</c>, where the frames are the top <see cref="MaxFrames"/> frames of
/// the application's own stack as <c>Namespace.Type.Method</c>.
/// </summary>
/// <remarks>
/// <para>Left out on purpose, so that the key is equal across processes, restarts, machines and small edits: line
/// numbers, file paths, IL offsets, message text, framework frames (System, Microsoft, OpenTelemetry and the
/// ErrorTelemetry library itself), generic arguments, and the numbering the compiler gives methods, closure classes,
/// async state machines and local functions. Kept, so that different failures differ: the code, the exception type,
/// the call path and, for a lambda, its ordinal within the method that contains it (<c>Main.&lt;lambda2&gt;</c>): the
/// minimal-API handlers of one <c>Program.cs</c> are all lambdas of one method, called from framework frames only,
/// so without it every endpoint's failure would share a key. The ordinal depends on the source only, so it is equal
/// across processes and builds; it changes when a lambda is added above it in the same method. Two throw sites in
/// one method therefore share a key; a failure reached through another method or lambda does not.</para>
/// <para>Known limit: a JIT that inlines an application method after tiering removes its frame, which changes the
/// key. Methods that throw are rarely inlined, so in practice this affects deep frames only.</para>
/// <para>Thread-safe. Each call resolves the stack trace (microseconds for a deep stack); callers compute the
/// fingerprint once per exception and keep it with the exception's failure. Normalized frame names are cached per
/// method, and the fingerprint of a chain without any stack (an exception created, not thrown) per code and type.</para>
/// </remarks>
internal static class Fingerprint
{
    public const int MaxFrames = 5;

    private const ulong OffsetBasis = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    private static readonly string[] FrameworkNamespaces = ["System", "Microsoft", "OpenTelemetry"];

    private static readonly string[] LibraryAssemblies = ["ErrorTelemetry.Processors", "ErrorTelemetry.Instrumentation"];

    // Both bounded, so a process minting types or methods (dynamic assemblies) cannot grow them without end; past the
    // bound, values are computed each time. Each value is a pure function of its key.
    private const int MaxCached = 1024;

    private static readonly ConcurrentDictionary<(string Code, Type Type), string> WithoutStack = new();

    private static readonly ConcurrentDictionary<(string Type, string Method), string> FrameNames = new();

    private static readonly TypeAnswers<bool> RuntimeTypes =
        new(MaxCached, static type => type.Assembly == typeof(Exception).Assembly, keepRuntimeTypes: true);

    private static StacklessKey? _lastWithoutStack;

    private static PrintedKey? _lastPrinted;

    // Throw sites by printed stack: bounded in count and in the length of a stack kept, so at most about 4 MB.
    private const int MaxCachedSites = 512;
    private const int MaxCachedStackLength = 4096;

    private static readonly ConcurrentDictionary<string, ThrowSite> Sites = new(StackComparer.Instance);

    private static readonly ConcurrentDictionary<string, ThrowSite>.AlternateLookup<ReadOnlySpan<char>> SitesByStack =
        Sites.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Gets the number of throw sites whose fingerprint is remembered.</summary>
    internal static int CachedSites => Sites.Count;

    /// <summary>The fingerprint of a classified failure.</summary>
    /// <param name="definition">The decided definition.</param>
    /// <param name="exception">The exception as thrown; its own stack is used, or, when that has no application frames (a cause wrapped inside a library), the first cause's that has.</param>
    public static string Compute(ErrorDefinition definition, Exception? exception) =>
        Compute(definition, exception, exception is null ? null : ExceptionText.RenderedText(exception));

    /// <summary>
    /// <see cref="Compute(ErrorDefinition, Exception?)"/> for a caller that holds the text rendered for
    /// <paramref name="exception"/> (<see langword="null"/> when it was not rendered): it is not looked up again.
    /// </summary>
    public static string Compute(ErrorDefinition definition, Exception? exception, string? renderedText)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (exception is null)
        {
            return Compute(definition.Code, null, []);
        }

        if (!RenderedWithoutStack(exception, renderedText) && FindFrames(exception) is { Count: > 0 } frames)
        {
            return Compute(definition.Code, TypeName(exception.GetType()), frames);
        }

        // No stack anywhere in the chain (created, not thrown): the key is a function of the code and the type alone.
        // Such failures come in runs of one code and type: the last key answers without hashing the pair.
        var type = exception.GetType();
        if (Volatile.Read(ref _lastWithoutStack) is { } last && ReferenceEquals(last.Code, definition.Code) && last.Type == type)
        {
            return last.Fingerprint;
        }

        var fingerprint = Cached(WithoutStack, (Code: definition.Code, Type: type), static key => Compute(key.Code, TypeName(key.Type), []));
        Volatile.Write(ref _lastWithoutStack, new StacklessKey(definition.Code, type, fingerprint));
        return fingerprint;
    }

    /// <summary>
    /// <see cref="Compute(ErrorDefinition, Exception?, string?)"/> for a caller that holds what was rendered for
    /// <paramref name="exception"/>. When the text was printed in <see cref="PlainRendering"/>'s layout, its stack part
    /// (file and line included) identifies the throw site, and a site seen before answers without resolving the stack
    /// trace again (microseconds and about 1.5 KB per thrown exception).
    /// </summary>
    /// <remarks>
    /// Known limit: two throw paths whose printed stacks are equal, because they differ only in frames the runtime hides
    /// from stack traces (<c>[StackTraceHidden]</c>), share the fingerprint of the first one seen.
    /// </remarks>
    public static string Compute(ErrorDefinition definition, Exception exception, RenderedException rendered)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(rendered);
        if (!TryPrintedStack(rendered, out var stack))
        {
            return Compute(definition, exception, rendered.Text);
        }

        // A storm of one failure renders one text for all of them (PlainRendering): the last answer is found by that
        // text's identity, without hashing the stack (about 0.4 us for a request's stack).
        var type = exception.GetType();
        if (Volatile.Read(ref _lastPrinted) is { } last && ReferenceEquals(last.Text, rendered.Text) && last.StackStart == rendered.StackStart
            && ReferenceEquals(last.Code, definition.Code) && last.Type == type)
        {
            return last.Fingerprint;
        }

        string fingerprint;
        var known = SitesByStack.TryGetValue(stack, out var site);
        if (known && site!.Type == type && string.Equals(site.Code, definition.Code, StringComparison.Ordinal))
        {
            fingerprint = site.Fingerprint;
        }
        else
        {
            fingerprint = Compute(definition, exception, rendered.Text);
            if (known || Sites.Count < MaxCachedSites)
            {
                SitesByStack[stack] = new ThrowSite(definition.Code, type, fingerprint);
            }
        }

        Volatile.Write(ref _lastPrinted, new PrintedKey(rendered.Text, rendered.StackStart, definition.Code, type, fingerprint));
        return fingerprint;
    }

    /// <summary>
    /// Whether the fingerprint of <paramref name="exception"/> follows from its code, its type and
    /// <paramref name="rendered"/> alone, so that another exception of the same type sharing that rendering has the
    /// same one: its stack was printed whole (the printed stack is the key), or the text shows it has none.
    /// </summary>
    public static bool IsFunctionOfText(Exception exception, RenderedException rendered) =>
        TryPrintedStack(rendered, out _) || RenderedWithoutStack(exception, rendered.Text);

    // The stack part of a text PlainRendering printed whole; a long stack is not a key.
    private static bool TryPrintedStack(RenderedException rendered, out ReadOnlySpan<char> stack)
    {
        var start = rendered.StackStart;
        if (start < 0 || rendered.Text.Length - start > MaxCachedStackLength)
        {
            stack = default;
            return false;
        }

        stack = rendered.Text.AsSpan(start);
        return true;
    }

    /// <summary>
    /// Whether the text already rendered for <paramref name="exception"/> shows it has no stack, which spares resolving
    /// an empty stack trace. Exception.ToString() writes each frame, and each inner exception's end, on a line of its
    /// own; only the runtime's own exception types are trusted to keep that shape (an application type may override
    /// ToString and leave the stack out). A message with a line break, or a cut text, proves nothing.
    /// </summary>
    private static bool RenderedWithoutStack(Exception exception, string? text) =>
        exception.InnerException is null
        && IsRuntimeType(exception.GetType())
        && text is not null
        && text.Length < ExceptionText.MaxLength
        && !text.Contains('\n', StringComparison.Ordinal);

    // Whether the runtime library defines the type, decided once per type (reading a type's assembly is a call into the
    // runtime); every runtime type is remembered, so a type the answers do not hold past their bound is not one.
    private static bool IsRuntimeType(Type type) => RuntimeTypes.TryGet(type, out var runtime) && runtime;

    /// <summary>The fingerprint of explicit parts; what <see cref="Compute(ErrorDefinition, Exception?)"/> hashes.</summary>
    public static string Compute(string code, string? exceptionType, IReadOnlyList<string> frames)
    {
        var hash = OffsetBasis;
        Append(ref hash, code);
        Append(ref hash, "\n");
        Append(ref hash, exceptionType ?? string.Empty);
        for (var i = 0; i < frames.Count; i++)
        {
            Append(ref hash, "\n");
            Append(ref hash, frames[i]);
        }

        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }

    /// <summary>FNV-1a, 64-bit, over the UTF-8 of <paramref name="text"/>: the hash the fingerprint is built on.</summary>
    public static ulong Fnv1a64(string text)
    {
        var hash = OffsetBasis;
        Append(ref hash, text);
        return hash;
    }

    /// <summary>The application frames of an exception's own stack trace, throw site first, normalized.</summary>
    public static List<string> ApplicationFrames(Exception exception)
    {
        var frames = new List<string>(MaxFrames);
        AddApplicationFrames(exception, frames);
        return frames;
    }

    /// <summary>
    /// <c>Namespace.Type.Method</c> for a frame, with compiler-generated names reduced to the method the developer
    /// wrote: <c>Type+&lt;PlaceAsync&gt;d__3.MoveNext</c> is <c>Type.PlaceAsync</c>, <c>Type+&lt;&gt;c.&lt;Main&gt;b__0_1</c> is
    /// <c>Type.Main.&lt;lambda1&gt;</c> (the lambda's ordinal in <c>Main</c>, not the method's ordinal in the type),
    /// <c>Type.&lt;Main&gt;g__Local|0_0</c> is <c>Type.Main.Local</c>.
    /// </summary>
    public static string Normalize(string declaringTypeName, string methodName)
    {
        var builder = new StringBuilder(declaringTypeName.Length + methodName.Length + 16);
        string? origin = null;
        string? localFunction = null;
        string? lambda = null;
        var stateMachine = false;
        var first = true;
        foreach (var segment in declaringTypeName.Split('+'))
        {
            if (segment.StartsWith('<'))
            {
                Describe(segment, ref origin, ref localFunction, ref lambda, ref stateMachine);
            }
            else
            {
                if (!first)
                {
                    builder.Append('.');
                }

                builder.Append(segment);
                first = false;
            }
        }

        if (methodName.StartsWith('<'))
        {
            Describe(methodName, ref origin, ref localFunction, ref lambda, ref stateMachine);
        }
        else if (!stateMachine)
        {
            // A state machine's MoveNext (or an iterator's interface method) says nothing the type name did not.
            origin ??= methodName;
        }

        if (origin is not null)
        {
            builder.Append('.').Append(origin);
        }

        if (localFunction is not null)
        {
            builder.Append('.').Append(localFunction);
        }

        if (lambda is not null)
        {
            builder.Append(".<lambda").Append(lambda).Append('>');
        }

        return builder.ToString();
    }

    private static List<string> FindFrames(Exception exception)
    {
        var frames = new List<string>(MaxFrames);
        var walk = new ExceptionWalk(exception);
        while (frames.Count == 0 && walk.MoveNext(out var current, out _))
        {
            AddApplicationFrames(current, frames);
        }

        return frames;
    }

    private static void AddApplicationFrames(Exception exception, List<string> frames)
    {
        var trace = new StackTrace(exception, fNeedFileInfo: false);
        for (var i = 0; i < trace.FrameCount && frames.Count < MaxFrames; i++)
        {
            var frame = trace.GetFrame(i);
            if (frame is null || DiagnosticMethodInfo.Create(frame) is not { } method)
            {
                continue;
            }

            var typeName = method.DeclaringTypeName;
            if (string.IsNullOrEmpty(typeName) || IsFramework(typeName) || IsLibrary(method.DeclaringAssemblyName))
            {
                continue;
            }

            frames.Add(FrameName(typeName, method.Name));
        }
    }

    // A frame's normalized name, computed once per method: normalizing splits and rebuilds the names.
    private static string FrameName(string typeName, string methodName) =>
        Cached(FrameNames, (Type: typeName, Method: methodName), static key => Normalize(key.Type, key.Method));

    // The cached value of a pure function of the key; past MaxCached entries, computed each time.
    private static string Cached<TKey>(ConcurrentDictionary<TKey, string> cache, TKey key, Func<TKey, string> compute)
        where TKey : notnull
    {
        if (cache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var value = compute(key);
        if (cache.Count < MaxCached)
        {
            cache.TryAdd(key, value);
        }

        return value;
    }

    private static bool IsFramework(string typeName)
    {
        foreach (var ns in FrameworkNamespaces)
        {
            if (typeName.StartsWith(ns, StringComparison.Ordinal)
                && typeName.Length > ns.Length
                && typeName[ns.Length] is '.' or '+')
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsLibrary(string? assemblyName)
    {
        if (assemblyName is null)
        {
            return false;
        }

        var end = assemblyName.IndexOf(',', StringComparison.Ordinal);
        var simpleName = end < 0 ? assemblyName.AsSpan() : assemblyName.AsSpan(0, end);
        foreach (var library in LibraryAssemblies)
        {
            if (simpleName.SequenceEqual(library))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads one compiler-generated name: <c>&lt;Origin&gt;suffix</c>, where the origin may itself be generated
    /// (<c>&lt;&lt;Main&gt;b__0_0&gt;d</c>, an async lambda) and the suffix says what was generated.
    /// </summary>
    private static void Describe(string token, ref string? origin, ref string? localFunction, ref string? lambda, ref bool stateMachine)
    {
        var close = MatchingClose(token);
        if (close < 0)
        {
            return;
        }

        var inner = token[1..close];
        var suffix = token.AsSpan(close + 1);
        if (inner.StartsWith('<'))
        {
            Describe(inner, ref origin, ref localFunction, ref lambda, ref stateMachine);
        }
        else if (inner.Length > 0)
        {
            origin ??= inner;
        }

        if (suffix.StartsWith("b__", StringComparison.Ordinal))
        {
            lambda ??= LambdaOrdinal(suffix[3..]).ToString();
        }
        else if (suffix.StartsWith("g__", StringComparison.Ordinal))
        {
            var name = suffix[3..];
            var bar = name.IndexOf('|');
            localFunction ??= (bar < 0 ? name : name[..bar]).ToString();
        }
        else if (suffix.StartsWith("d", StringComparison.Ordinal))
        {
            stateMachine = true;
        }
    }

    /// <summary>
    /// The lambda's ordinal within its method: <c>0_3</c> (a lambda of the type's shared closure class: method ordinal,
    /// then lambda ordinal) and <c>3</c> (a lambda of a closure class) are both lambda 3; an Edit-and-Continue
    /// generation (<c>#1</c>) is dropped.
    /// </summary>
    private static ReadOnlySpan<char> LambdaOrdinal(ReadOnlySpan<char> numbers)
    {
        var generation = numbers.IndexOf('#');
        if (generation >= 0)
        {
            numbers = numbers[..generation];
        }

        var separator = numbers.LastIndexOf('_');
        return separator < 0 ? numbers : numbers[(separator + 1)..];
    }

    private static int MatchingClose(string token)
    {
        var depth = 0;
        for (var i = 0; i < token.Length; i++)
        {
            if (token[i] == '<')
            {
                depth++;
            }
            else if (token[i] == '>' && --depth == 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static string? TypeName(Type type) =>
        type.IsGenericType ? type.GetGenericTypeDefinition().FullName : type.FullName;

    private static void Append(ref ulong hash, string text)
    {
        Span<byte> buffer = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            var length = rune.EncodeToUtf8(buffer);
            for (var i = 0; i < length; i++)
            {
                hash = (hash ^ buffer[i]) * Prime;
            }
        }
    }

    private sealed record StacklessKey(string Code, Type Type, string Fingerprint);

    private sealed record ThrowSite(string Code, Type Type, string Fingerprint);

    private sealed record PrintedKey(string Text, int StackStart, string Code, Type Type, string Fingerprint);

    // Printed stacks run to kilobytes and differ first in their top frames: the hash reads the first 512 characters
    // and the length, equality reads all of it.
    private sealed class StackComparer : IEqualityComparer<string>, IAlternateEqualityComparer<ReadOnlySpan<char>, string>
    {
        public static readonly StackComparer Instance = new();

        private const int HashedLength = 512;

        public bool Equals(string? x, string? y) => string.Equals(x, y, StringComparison.Ordinal);

        public int GetHashCode(string obj) => Hash(obj.AsSpan());

        public bool Equals(ReadOnlySpan<char> alternate, string other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<char> alternate) => Hash(alternate);

        public string Create(ReadOnlySpan<char> alternate) => alternate.ToString();

        private static int Hash(ReadOnlySpan<char> stack) =>
            HashCode.Combine(stack.Length, string.GetHashCode(stack[..Math.Min(stack.Length, HashedLength)], StringComparison.Ordinal));
    }
}
