using System.Diagnostics;
using ErrorTelemetry.Redaction.Internal;

namespace ErrorTelemetry.Failures.Internal;

/// <summary>
/// Span tag lists that one redactor keeps as they are, remembered as the very key and value instances in their order,
/// with the values the failure decision reads from them. A span that ends with the same instances in the same order (the
/// literal tags an instrumentation sets on every span) is answered by comparing references against one array, instead
/// of a key lookup per tag (<see cref="Redactor.KeepsAsRemembered"/>) and two key comparisons per tag.
/// </summary>
/// <remarks>
/// Sound because what is remembered never stops being true: a pair is remembered only after the redactor answered that
/// it keeps it as remembered, a redactor's key rules never change, a text it found clean is clean forever (it remembers
/// clean text, the span's name included, only when its detectors are pure), and the failure decision's values are
/// instances of the list. Bounded and allocation-free after construction: <see cref="Sets"/> sets of two lists of at
/// most <see cref="MaxTags"/> tags, overwritten in place (a list matched recently is kept). Thread-safe: each list has a
/// version that is odd while it is written; a reader that sees it odd or changed falls back to the full walk.
/// </remarks>
internal sealed class KeptTagLists
{
    /// <summary>The most tags a remembered list holds; longer lists are always walked.</summary>
    public const int MaxTags = 16;

    /// <summary>The number of sets, chosen by the first tag's key; each holds two lists.</summary>
    public const int Sets = 8;

    private readonly TagList[] _lists = new TagList[Sets * 2];

    public KeptTagLists(Redactor redactor)
    {
        Redactor = redactor;
        for (var i = 0; i < _lists.Length; i++)
        {
            _lists[i] = new TagList();
        }
    }

    /// <summary>Gets the redactor whose answers are remembered.</summary>
    public Redactor Redactor { get; }

    /// <summary>
    /// Returns whether <paramref name="activity"/>'s tags are one of the remembered lists, instance for instance in
    /// order, and if so what the failure decision reads from them, and the span name remembered with the list if the
    /// redactor found it clean (<paramref name="cleanName"/>, else <see langword="null"/>). Never throws; marks the list
    /// matched.
    /// </summary>
    public bool TryMatch(Activity activity, out object? status, out object? code, out string? cleanName)
    {
        status = null;
        code = null;
        cleanName = null;
        var tags = activity.EnumerateTagObjects();
        if (!tags.MoveNext())
        {
            return false;
        }

        var set = SetOf(tags.Current.Key);
        return Matches(_lists[set * 2], activity, ref status, ref code, ref cleanName)
            || Matches(_lists[(set * 2) + 1], activity, ref status, ref code, ref cleanName);
    }

    /// <summary>
    /// Remembers <paramref name="activity"/>'s tags, which the caller has just found kept as the redactor remembers
    /// them, with what the failure decision reads from them. Each pair is asked again as it is copied, and the
    /// decision's values are read from the copied pairs, so what is remembered is true of the list remembered. The span's
    /// name is remembered with it when the redactor leaves it as it is and its answers never change (pure detectors).
    /// Skipped when another thread is writing the same list.
    /// </summary>
    public void Remember(Activity activity)
    {
        var tags = activity.EnumerateTagObjects();
        if (!tags.MoveNext())
        {
            return;
        }

        var set = SetOf(tags.Current.Key);

        // Two lists per set, replaced as a clock does: the list the hand points at is replaced only if it was not
        // matched since the hand last passed (else it gets a second chance and the hand moves on). Three or more
        // shapes taking turns under one first key then leave two of them remembered instead of replacing a list on
        // every span.
        ref var hand = ref _lists[set * 2].Hand;
        var list = _lists[(set * 2) + (Volatile.Read(ref hand) & 1)];
        Interlocked.Increment(ref hand);
        if (Volatile.Read(ref list.Used))
        {
            Volatile.Write(ref list.Used, false);
            return;
        }

        var version = Volatile.Read(ref list.Version);
        if ((version & 1) != 0 || Interlocked.CompareExchange(ref list.Version, version + 1, version) != version)
        {
            return;
        }

        var count = 0;
        object? status = null;
        object? code = null;
        foreach (ref readonly var tag in activity.EnumerateTagObjects())
        {
            if (count == MaxTags || !Redactor.KeepsAsRemembered(tag.Key, tag.Value))
            {
                count = 0;
                break;
            }

            ref var pair = ref list.Pairs[count];
            Volatile.Write(ref pair.Key, tag.Key);
            Volatile.Write(ref pair.Value, tag.Value);
            ErrorSpanProcessor.ReadDecisionTag(tag, ref status, ref code);
            count++;
        }

        var name = activity.DisplayName;
        Volatile.Write(ref list.Name, count > 0 && Redactor.RemembersCleanValues && ReferenceEquals(Redactor.Redact(name), name) ? name : null);
        Volatile.Write(ref list.Count, count);
        Volatile.Write(ref list.Status, status);
        Volatile.Write(ref list.Code, code);
        Volatile.Write(ref list.Version, version + 2);
        Volatile.Write(ref list.Used, count > 0);
    }

    // Keys set on spans are mostly literals of different lengths; a collision only costs a walk.
    private static int SetOf(string? key) => (key?.Length ?? 0) & (Sets - 1);

    private static bool Matches(TagList list, Activity activity, ref object? status, ref object? code, ref string? cleanName)
    {
        var version = Volatile.Read(ref list.Version);
        var count = Volatile.Read(ref list.Count);
        if ((version & 1) != 0 || count == 0)
        {
            return false;
        }

        var pairs = list.Pairs;
        var index = 0;
        foreach (ref readonly var tag in activity.EnumerateTagObjects())
        {
            if (index == count)
            {
                return false;
            }

            ref var pair = ref pairs[index];
            if (!ReferenceEquals(Volatile.Read(ref pair.Key), tag.Key) || !ReferenceEquals(Volatile.Read(ref pair.Value), tag.Value))
            {
                return false;
            }

            index++;
        }

        if (index != count)
        {
            return false;
        }

        var listStatus = Volatile.Read(ref list.Status);
        var listCode = Volatile.Read(ref list.Code);
        var listName = Volatile.Read(ref list.Name);

        // Every read above happened before this one (each is an acquire): an unchanged version means no write overlapped.
        if (Volatile.Read(ref list.Version) != version)
        {
            return false;
        }

        if (!Volatile.Read(ref list.Used))
        {
            Volatile.Write(ref list.Used, true);
        }

        status = listStatus;
        code = listCode;
        cleanName = listName;
        return true;
    }

    private struct Pair
    {
        public string? Key;
        public object? Value;
    }

    private sealed class TagList
    {
        public readonly Pair[] Pairs = new Pair[MaxTags];
        public int Version;
        public int Count;
        public object? Status;
        public object? Code;
        public string? Name;
        public bool Used;

        // The clock's hand of the set, kept on its first list.
        public int Hand;
    }
}
