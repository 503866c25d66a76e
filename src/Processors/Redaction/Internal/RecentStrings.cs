namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// A fixed-size table of recently seen strings, one per slot, chosen by a few of the string's characters: no hashing
/// of the whole string, no locks, no growth. A lookup is a slot read and a reference (or, failing that, an ordinal)
/// comparison. Thread-safe: slots hold immutable strings or entries, written and read whole.
/// </summary>
internal static class RecentStrings
{
    /// <summary>The slot of <paramref name="value"/> in a table of <c>mask + 1</c> slots.</summary>
    public static int Slot(string value, int mask) => (int)(Hash(value) & (uint)mask);

    /// <summary>
    /// The hash <see cref="Slot"/> takes its slot from, all 32 bits: a table that keeps it beside each string tells a
    /// different value from the one in the slot without reading that string.
    /// </summary>
    public static uint Hash(string value)
    {
        var length = value.Length;
        if (length == 0)
        {
            return 0;
        }

        // Length and characters at both ends and in between: attribute values that differ usually differ there (ids
        // and numbers at the end, hosts and schemes at the start).
        var hash = (uint)length * 0x9E3779B1u;
        hash = (hash ^ value[0]) * 0x85EBCA6Bu;
        hash = (hash ^ value[length - 1]) * 0xC2B2AE35u;
        hash = (hash ^ value[length >> 1]) * 0x27D4EB2Fu;
        hash = (hash ^ value[length >> 2]) * 0x165667B1u;
        return hash ^ (hash >> 15);
    }

    /// <summary>
    /// The slot of <paramref name="value"/> in a table of <c>mask + 1</c> (at most 65,536) slots, for tables asked
    /// on every attribute whose strings are few and differ at their ends and middle (keys, templates): independent
    /// reads and one multiplication, where <see cref="Slot"/> chains five.
    /// </summary>
    public static int QuickSlot(string value, int mask)
    {
        var length = value.Length;
        if (length == 0)
        {
            return 0;
        }

        var mixed = (uint)length + value[0] + (value[length - 1] * 31u) + (value[length >> 1] * 131u)
            + (value[length >> 2] * 1031u) + (value[(length * 3) >> 2] * 8191u);
        var hash = mixed * 0x9E3779B1u;
        return (int)((hash ^ (hash >> 15)) >> 8) & mask;
    }
}

/// <summary>
/// Values the detectors found nothing in, so that values repeated on every span and record (host names, user agents,
/// routes, message templates) are scanned once, not every time. Bounded: <see cref="SlotCount"/> slots of values of
/// at most <see cref="MaxValueLength"/> characters; a value that collides replaces the one before it. Of longer
/// values, only the last one found clean is remembered, and only as that instance (compared by reference, never by
/// its characters): a text shared by many signals, such as the exception text of a storm of one failure.
/// </summary>
/// <remarks>
/// Sound because strings are immutable and the detectors are pure functions of the text: a value equal to one found
/// clean is clean. Holding a clean value keeps nothing sensitive alive. Adding never allocates.
/// </remarks>
internal sealed class CleanValueCache
{
    /// <summary>The number of slots.</summary>
    public const int SlotCount = 512;

    /// <summary>The longest value remembered, in characters.</summary>
    public const int MaxValueLength = 256;

    private const int Mask = SlotCount - 1;

    private readonly string?[] _slots = new string?[SlotCount];

    // Each slot's string's hash. A value seen for the first time (a new correlation id on every request) is nearly
    // always told apart here: reading the slot's string instead, usually long out of the processor's caches, cost a
    // memory access of ~200 ns per request in the request benchmark. Only ever a filter: a slot and its hash are
    // written one after the other, so a reader may see one without the other, and the answer is still the string
    // comparison (at worst a clean value is scanned again).
    private readonly uint[] _hashes = new uint[SlotCount];

    private string? _lastLong;

    /// <summary>Returns whether <paramref name="value"/> (non-empty) is known to be clean.</summary>
    public bool Contains(string value)
    {
        if (value.Length > MaxValueLength)
        {
            return ReferenceEquals(Volatile.Read(ref _lastLong), value);
        }

        var hash = RecentStrings.Hash(value);
        var slot = (int)(hash & Mask);
        if (Volatile.Read(ref _hashes[slot]) != hash)
        {
            return false;
        }

        var known = Volatile.Read(ref _slots[slot]);
        return known is not null && (ReferenceEquals(known, value) || string.Equals(known, value, StringComparison.Ordinal));
    }

    /// <summary>Remembers that <paramref name="value"/> (non-empty) is clean.</summary>
    public void Add(string value)
    {
        if (value.Length <= MaxValueLength)
        {
            var hash = RecentStrings.Hash(value);
            var slot = (int)(hash & Mask);
            Volatile.Write(ref _slots[slot], value);
            Volatile.Write(ref _hashes[slot], hash);
        }
        else
        {
            Volatile.Write(ref _lastLong, value);
        }
    }
}
