using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// The one pre-scan every scanned value gets: a single vectorized pass that records which anchors the built-in
/// detectors need appear in the text (rare characters, digit runs, an IBAN's start, two dashes, the telltale
/// character pairs of token prefixes). A clean value costs this pass and nothing else.
/// </summary>
/// <remarks>
/// <para>
/// The answer may over-report (a digit run that is not a card, a pair whose letters are approximated), never
/// under-report: a detector skipped because its anchors were not seen could not have matched. Characters are read as
/// bytes saturated at 255 (non-ASCII characters become 0 or 128–255, which no anchor uses). Each 32-character block
/// is classified with itself shifted by one and two characters, so patterns never straddle blocks; only digit runs
/// carry from one block to the next.
/// </para>
/// <para>
/// Classification is by table (as in Hyperscan's Teddy): two shuffles per position look up a character's low and
/// high four bits, each giving the classes or patterns that allow it, and their AND is the set of those whose
/// characters' low and high halves both fit. Such a set is a product of halves: digits, ' ' and '-', brackets and the
/// letters of token prefixes are exact; "a letter" (an IBAN's country code) also takes <c>@[\]^_`{|}~</c> and DEL, and
/// "a lower-case letter" (before an API key's <c>_</c> or <c>-</c>) also <c>`{|}~</c> and DEL, which only over-reports. The
/// patterns of the three positions are AND-ed into one byte per character: eight patterns in three operations.
/// </para>
/// <para>
/// The last block (all of a value under 34 characters; a value of up to 32 is that block alone, without the loop) is
/// read once, with the character after it, and shifted in registers: with AVX-512 masked loads, which read nothing past the text and give zeros there; elsewhere it is
/// copied after zeros first. With <c>maskedTail</c> false the portable code runs throughout (what hardware without
/// AVX2 runs), so that tests on this hardware speak for both.
/// </para>
/// <para>
/// On AVX-512 hardware a value of 66 characters or more is read 64 characters a step (<see cref="Wide"/>): each step
/// is the two 32-character blocks above in one set of instructions, its last steps read with masked loads. The
/// AVX2 blocks alone (<see cref="ScanNarrow"/>) give the same answer and are tested against it.
/// </para>
/// </remarks>
internal static class AnchorScan
{
    private const int BlockChars = 32;
    private const int WideChars = 2 * BlockChars;
    private const int Lookahead = 2;
    private const int SsnRunChars = 11;
    private const int CardRunChars = 13;
    private const int PhoneRunChars = 11;
    private const int AwsKeyChars = 20;
    private const string Digits = "0123456789";
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string Lower = "abcdefghijklmnopqrstuvwxyz";

    // Each rare character (@ = : > + %) sits at the slot of its low four bits (all differ), so one shuffle and one
    // comparison tell whether a character is one of them; the other slots hold a byte whose low four bits differ.
    private static readonly Vector256<byte> RareTable = Vector256.Create(Vector128.Create(
        (byte)'@', 0xFF, 0xFF, 0xFF, 0xFF, (byte)'%', 0xFF, 0xFF, 0xFF, 0xFF, (byte)':', (byte)'+', 0xFF, (byte)'=', (byte)'>', 0x00));

    // What a character is, for the runs. The second position's table puts "a digit" and "an opening bracket" at the
    // bits of the first's separator copies, so that one AND gives "a separator before a digit" and "before a bracket".
    private static readonly NibbleTable Classes0 = NibbleTable.Create(
        (Digits, Class.Digit),
        (" -", Class.Separator),
        (" -", Class.SeparatorBeforeOpen),
        ("()", Class.Bracket),
        ("ABCDEFGHIJKLMNO", Class.UpperA),
        ("PQRSTUVWXYZ", Class.UpperB),
        ("-", Class.Dash));

    private static readonly NibbleTable Classes1 = NibbleTable.Create(
        (Digits, Class.Separator),
        ("(", Class.SeparatorBeforeOpen));

    // The characters each pattern allows at its first, second and third position (null: any).
    private static readonly NibbleTable Pairs0 = NibbleTable.Create(
        ("-", PairBits.DoubleDash),
        (Upper + Lower, PairBits.Iban),
        ("yI", PairBits.JwtOrIz),
        ("eE", PairBits.Cookie),
        ("bB", PairBits.AuthA | PairBits.AuthS),
        (Lower, PairBits.LowerUnderscore | PairBits.LowerDash));

    private static readonly NibbleTable Pairs1 = NibbleTable.Create(
        ("-", PairBits.DoubleDash | PairBits.LowerDash),
        (Upper + Lower, PairBits.Iban),
        ("Jz", PairBits.JwtOrIz),
        (":", PairBits.Cookie),
        ("eEaA", PairBits.AuthA | PairBits.AuthS),
        ("_", PairBits.LowerUnderscore));

    private static readonly NibbleTable Pairs2 = NibbleTable.Create(
        (null, PairBits.DoubleDash | PairBits.JwtOrIz | PairBits.Cookie | PairBits.LowerUnderscore | PairBits.LowerDash),
        (Digits, PairBits.Iban),
        ("aA", PairBits.AuthA),
        ("sS", PairBits.AuthS));

    // The tables again, 16 bytes each, for the 64-character steps: read from an array once per value, so that they stay
    // in registers (the compiler folds a table read from a readonly field into a constant, read from memory every step).
    private static readonly byte[] WideTables = Concat(
        Pairs0.Low, Pairs0.High, Pairs1.Low, Pairs1.High, Pairs2.Low, Pairs2.High, Classes0.Low, Classes0.High, Classes1.Low,
        Classes1.High, RareTable);

    private interface INarrowing
    {
        // Whether NarrowPacked leaves the characters in the pack's order: 0-7, 16-23, 8-15, 24-31.
        static abstract bool Packed { get; }

        // The 32 characters of lower and upper as bytes saturated at 255, in order.
        static abstract Vector256<byte> Narrow(Vector256<ushort> lower, Vector256<ushort> upper);

        // The same bytes, in the pack's order where Packed (a block is classified alike in any order of its
        // characters, as long as its shifted copies share it; only bit masks are put back in order).
        static abstract Vector256<byte> NarrowPacked(Vector256<ushort> lower, Vector256<ushort> upper);

        // A lookup of a 16-byte table held in both 128-bit lanes, by indices 0 to 15.
        static abstract Vector256<byte> Shuffle(Vector256<byte> table, Vector256<byte> indices);

        // The index that looks up a character's low four bits with Shuffle in a table whose high-half partner has no
        // entry for the high halves 8 to 15 (every table but the third position's, which allows any character).
        static abstract Vector256<byte> LowIndex(Vector256<byte> v);

        // The block shifted down by one (two) characters, the first one (two) of next coming in at the end.
        static abstract Vector256<byte> ShiftIn1(Vector256<byte> block, Vector256<byte> next);

        static abstract Vector256<byte> ShiftIn2(Vector256<byte> block, Vector256<byte> next);
    }

    /// <summary>Gets whether the last block is read with masked loads (AVX-512) rather than copied.</summary>
    internal static bool MaskedTail => Avx512BW.VL.IsSupported;

    /// <summary>Gets whether values of 66 characters or more are read 64 characters a step (AVX-512).</summary>
    internal static bool Wide => Vector512.IsHardwareAccelerated && Avx512BW.IsSupported && Bmi2.X64.IsSupported;

    /// <summary>Returns the anchors seen in <paramref name="text"/>, for the built-in sensitive keys.</summary>
    public static DetectorAnchors Scan(ReadOnlySpan<char> text) => Scan(text, maskedTail: true, everyColon: false);

    /// <summary>
    /// Returns the anchors seen in <paramref name="text"/>, for the built-in sensitive keys; with the hardware's own
    /// instructions (AVX2 packs, AVX-512 masked loads for the last block) when <paramref name="maskedTail"/> and the
    /// hardware has them, otherwise with portable code and the last block copied (both give the same answer).
    /// </summary>
    internal static DetectorAnchors Scan(ReadOnlySpan<char> text, bool maskedTail) => Scan(text, maskedTail, everyColon: false);

    /// <summary>
    /// Returns the anchors seen in <paramref name="text"/>. A colon right after a digit (a time, <c>14:05</c>) is
    /// reported only when <paramref name="everyColon"/> or the digits before it are <c>64</c>: a key ending in any
    /// other digit is never sensitive unless a configured key ends in a digit
    /// (<see cref="SensitiveKeyClassifier.OnlyBase64KeysEndInDigit"/>), and <c>key_value</c> reads its key back
    /// from the colon.
    /// </summary>
    internal static DetectorAnchors Scan(ReadOnlySpan<char> text, bool maskedTail, bool everyColon)
    {
        if (!maskedTail || !Avx2.IsSupported)
        {
            return Scan<PortableNarrowing>(text, everyColon);
        }

        if (text.Length is > 0 and <= BlockChars && MaskedTail)
        {
            return ScanShort(text, everyColon);
        }

        return text.Length >= WideChars + Lookahead && Wide ? ScanWide(text, everyColon) : Scan<NativeNarrowing>(text, everyColon);
    }

    /// <summary>
    /// Returns the anchors seen in <paramref name="text"/> by the AVX2 blocks alone, without the 64-character blocks
    /// of <see cref="Wide"/> hardware: what hardware with AVX2 but without AVX-512 runs, so that tests on this
    /// hardware speak for it too.
    /// </summary>
    internal static DetectorAnchors ScanNarrow(ReadOnlySpan<char> text, bool everyColon) =>
        !Avx2.IsSupported ? Scan<PortableNarrowing>(text, everyColon)
        : text.Length is > 0 and <= BlockChars && MaskedTail ? ScanShort(text, everyColon)
        : Scan<NativeNarrowing>(text, everyColon);

    // A value of up to 32 characters (what most attributes hold): one block, read with masked loads, nothing to carry.
    private static DetectorAnchors ScanShort(ReadOnlySpan<char> text, bool everyColon)
    {
        var state = new State(everyColon);
        var block = LoadMasked(text, 0, text.Length);
        state.Add<NativeNarrowing>(
            text,
            0,
            block,
            NativeNarrowing.ShiftIn1(block, Vector256<byte>.Zero),
            NativeNarrowing.ShiftIn2(block, Vector256<byte>.Zero),
            packed: false);
        return state.Finish();
    }

    private static DetectorAnchors Scan<TNarrowing>(ReadOnlySpan<char> text, bool everyColon)
        where TNarrowing : struct, INarrowing
    {
        var state = new State(everyColon);
        AddFrom<TNarrowing>(text, 0, ref state);
        return state.Finish();
    }

    // A value of 66 characters or more on AVX-512 hardware: 64 characters a step, each step classified as two of
    // the 32-character blocks would be (the same tables, shifts and runs, in one instruction where two were); the
    // last step or two read with masked loads, zeros past the text, as AddRest reads the rest. The tables and what is
    // or-ed over the steps stay in registers: the loop calls nothing.
    private static unsafe DetectorAnchors ScanWide(ReadOnlySpan<char> text, bool everyColon)
    {
        var state = new State(everyColon);
        var lowNibble = Vector512.Create((byte)0x0F);
        Vector512<byte> pairs0Low, pairs0High, pairs1Low, pairs1High, pairs2Low, pairs2High;
        Vector512<byte> classes0Low, classes0High, classes1Low, classes1High, rareTable;
        fixed (byte* tables = WideTables)
        {
            pairs0Low = Broadcast(tables, 0);
            pairs0High = Broadcast(tables, 1);
            pairs1Low = Broadcast(tables, 2);
            pairs1High = Broadcast(tables, 3);
            pairs2Low = Broadcast(tables, 4);
            pairs2High = Broadcast(tables, 5);
            classes0Low = Broadcast(tables, 6);
            classes0High = Broadcast(tables, 7);
            classes1Low = Broadcast(tables, 8);
            classes1High = Broadcast(tables, 9);
            rareTable = Broadcast(tables, 10);
        }

        var notSeparator = Vector512.Create(unchecked((byte)~(Class.Separator | Class.SeparatorBeforeOpen)));
        var runBits = Vector512.Create((byte)(Class.Digit | Class.Separator | Class.SeparatorBeforeOpen | Class.Bracket | Class.UpperA | Class.UpperB));
        var pairs = Vector512<byte>.Zero;
        var seen = Vector512<byte>.Zero;
        var streaking = false;
        fixed (char* chars = text)
        {
            for (var position = 0; position < text.Length; position += WideChars)
            {
                var block = (ushort*)chars + position;
                var left = text.Length - position;
                Vector512<byte> v0, v1, v2;
                if (left >= WideChars + Lookahead)
                {
                    v0 = LoadWide(block);
                    v1 = LoadWide(block + 1);
                    v2 = LoadWide(block + 2);
                }
                else
                {
                    v0 = LoadWideMasked(block, left);
                    v1 = LoadWideMasked(block + 1, left - 1);
                    v2 = LoadWideMasked(block + 2, left - 2);
                }

                var high0 = Vector512.ShiftRightLogical(v0.AsUInt16(), 4).AsByte() & lowNibble;
                var high1 = Vector512.ShiftRightLogical(v1.AsUInt16(), 4).AsByte() & lowNibble;
                pairs |= Avx512BW.Shuffle(pairs0Low, v0) & Avx512BW.Shuffle(pairs0High, high0)
                    & Avx512BW.Shuffle(pairs1Low, v1) & Avx512BW.Shuffle(pairs1High, high1)
                    & Avx512BW.Shuffle(pairs2Low, v2 & lowNibble) & Avx512BW.Shuffle(pairs2High, Vector512.ShiftRightLogical(v2.AsUInt16(), 4).AsByte() & lowNibble);
                var classes0 = Avx512BW.Shuffle(classes0Low, v0) & Avx512BW.Shuffle(classes0High, high0);
                seen |= classes0;
                var classes = classes0 & ((Avx512BW.Shuffle(classes1Low, v1) & Avx512BW.Shuffle(classes1High, high1)) | notSeparator);
                var inRuns = WideAny(classes, runBits);
                var rare = Vector512.Equals(Avx512BW.Shuffle(rareTable, v0), v0).ExtractMostSignificantBits();

                // As State.Add decides for each of the two blocks: a run may be long enough, or one carries on.
                var first = FirstBlock(inRuns);
                var second = SecondBlock(inRuns);
                if (streaking || BitOperations.PopCount(first) >= SsnRunChars || (int)first < 0
                    || BitOperations.PopCount(second) >= SsnRunChars || (int)second < 0)
                {
                    streaking = AddWideRuns(ref state, classes);
                }

                if (rare != 0)
                {
                    state.AddRare(FirstBlock(rare) | ((ulong)SecondBlock(rare) << BlockChars), text, position);
                }
            }
        }

        state.Add(pairs, seen);
        return state.Finish();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<byte> Broadcast(byte* tables, int index) =>
        Avx512F.BroadcastVector128ToVector512((uint*)(tables + (index * 16))).AsByte();

    // The runs of a 64-character step, as State.AddRuns reads them for its two blocks in turn; whether a run carries on.
    private static bool AddWideRuns(ref State state, Vector512<byte> classes)
    {
        var digits = WideAny(classes, Class.Digit | Class.Separator);
        var phones = WideAny(classes, Class.Digit | Class.Separator | Class.SeparatorBeforeOpen | Class.Bracket);
        var keys = WideAny(classes, Class.Digit | Class.UpperA | Class.UpperB);
        state.AddRuns(FirstBlock(digits), FirstBlock(phones), FirstBlock(keys));
        state.AddRuns(SecondBlock(digits), SecondBlock(phones), SecondBlock(keys));
        return state.Streaking;
    }

    // The 64 characters at chars as bytes saturated at 255, in the pack's order: for each 128-bit lane, eight of the
    // first 32 characters, then eight of the second (FirstBlock and SecondBlock take the two back out, in order).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<byte> LoadWide(ushort* chars) =>
        Avx512BW.PackUnsignedSaturate(Vector512.Load(chars).AsInt16(), Vector512.Load(chars + BlockChars).AsInt16());

    // The same of which left (possibly none) are in the text; the others read as zero.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<byte> LoadWideMasked(ushort* chars, int left) =>
        Avx512BW.PackUnsignedSaturate(LoadWideHalf(chars, left).AsInt16(), LoadWideHalf(chars + BlockChars, left - BlockChars).AsInt16());

    private static unsafe Vector512<ushort> LoadWideHalf(ushort* chars, int left) =>
        Avx512BW.MaskLoad(
            chars,
            Vector512.LessThan(Vector512<ushort>.Indices, Vector512.Create((ushort)Math.Clamp(left, 0, BlockChars))),
            Vector512<ushort>.Zero);

    // Bit i: character i of a 64-character step (in the pack's order) has any of bits (none of which is the sign bit).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong WideAny(Vector512<byte> classes, Vector512<byte> bits) =>
        Vector512.GreaterThan((classes & bits).AsSByte(), Vector512<sbyte>.Zero).ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong WideAny(Vector512<byte> classes, byte bits) => WideAny(classes, Vector512.Create(bits));

    // The mask of a step's first (second) 32 characters, in order.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint FirstBlock(ulong mask) => (uint)Bmi2.X64.ParallelBitExtract(mask, 0x00FF_00FF_00FF_00FF);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint SecondBlock(ulong mask) => (uint)Bmi2.X64.ParallelBitExtract(mask, 0xFF00_FF00_FF00_FF00);

    // The blocks of 32 characters from position, and the rest.
    private static void AddFrom<TNarrowing>(ReadOnlySpan<char> text, int position, ref State state)
        where TNarrowing : struct, INarrowing
    {
        ref var start = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
        for (; position + BlockChars + Lookahead <= text.Length; position += BlockChars)
        {
            ref var block = ref Unsafe.Add(ref start, position);
            state.Add<TNarrowing>(
                text,
                position,
                LoadPacked<TNarrowing>(ref block, 0),
                LoadPacked<TNarrowing>(ref block, 1),
                LoadPacked<TNarrowing>(ref block, 2),
                TNarrowing.Packed);
        }

        if (position < text.Length)
        {
            AddRest<TNarrowing>(text, position, ref state);
        }
    }

    // The rest (1 to 33 characters): the block and the character after it, zeros past the text, read once.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRest<TNarrowing>(ReadOnlySpan<char> text, int position, ref State state)
        where TNarrowing : struct, INarrowing
    {
        var rest = text.Length - position;
        Vector256<byte> block;
        Vector256<byte> next;
        if (typeof(TNarrowing) == typeof(NativeNarrowing) && MaskedTail)
        {
            block = LoadMasked(text, position, rest);
            next = rest > BlockChars ? LoadMasked(text, position + BlockChars, rest - BlockChars) : Vector256<byte>.Zero;
        }
        else
        {
            block = LoadCopied<TNarrowing>(text[position..], out next);
        }

        state.Add<TNarrowing>(text, position, block, TNarrowing.ShiftIn1(block, next), TNarrowing.ShiftIn2(block, next), packed: false);
        if (rest > BlockChars)
        {
            state.Add<TNarrowing>(
                text,
                position + BlockChars,
                next,
                TNarrowing.ShiftIn1(next, Vector256<byte>.Zero),
                TNarrowing.ShiftIn2(next, Vector256<byte>.Zero),
                packed: false);
        }
    }

    // The rest copied after zeros, so that reads stay inside (kept out of AddRest: a copy on the stack would keep
    // the scan's state there too).
    private static Vector256<byte> LoadCopied<TNarrowing>(ReadOnlySpan<char> rest, out Vector256<byte> next)
        where TNarrowing : struct, INarrowing
    {
        Span<char> copy = stackalloc char[2 * BlockChars];
        rest.CopyTo(copy);
        ref var start = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(copy));
        next = Load<TNarrowing>(ref start, BlockChars);
        return Load<TNarrowing>(ref start, 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Load<TNarrowing>(ref ushort start, int offset)
        where TNarrowing : struct, INarrowing =>
        TNarrowing.Narrow(Vector256.LoadUnsafe(ref start, (nuint)offset), Vector256.LoadUnsafe(ref start, (nuint)(offset + 16)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> LoadPacked<TNarrowing>(ref ushort start, int offset)
        where TNarrowing : struct, INarrowing =>
        TNarrowing.NarrowPacked(Vector256.LoadUnsafe(ref start, (nuint)offset), Vector256.LoadUnsafe(ref start, (nuint)(offset + 16)));

    // The 32 characters at position, of which left (1 or more) are in the text; the others read as zero.
    private static unsafe Vector256<byte> LoadMasked(ReadOnlySpan<char> text, int position, int left)
    {
        fixed (char* chars = text)
        {
            var start = (ushort*)chars + position;
            return NativeNarrowing.Narrow(LoadMaskedHalf(start, left), LoadMaskedHalf(start + 16, left - 16));
        }
    }

    private static unsafe Vector256<ushort> LoadMaskedHalf(ushort* chars, int left) =>
        Avx512BW.VL.MaskLoad(
            chars,
            Vector256.LessThan(Vector256<ushort>.Indices, Vector256.Create((ushort)Math.Clamp(left, 0, 16))),
            Vector256<ushort>.Zero);

    // Rare characters are few, so each is looked at once, in the text (block is where the mask's bit 0 is). A '%' is
    // an anchor only as "%40" (an encoded '@'); a ':' right after a digit only as everyColon and AnchorScan.Scan say.
    private static byte[] Concat(params ReadOnlySpan<Vector256<byte>> tables)
    {
        var bytes = new byte[tables.Length * 16];
        for (var i = 0; i < tables.Length; i++)
        {
            tables[i].GetLower().CopyTo(bytes, i * 16);
        }

        return bytes;
    }

    // Inlined, so that no call in the scan's loops makes the compiler keep its vectors on the stack.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static DetectorAnchors RareAnchors(ulong rare, ReadOnlySpan<char> text, int block, bool everyColon)
    {
        var anchors = DetectorAnchors.None;
        while (rare != 0)
        {
            var index = block + BitOperations.TrailingZeroCount(rare);
            anchors |= text[index] switch
            {
                '@' => DetectorAnchors.At,
                '=' => DetectorAnchors.EqualsSign,
                ':' when everyColon || !IsAfterNumber(text, index) => DetectorAnchors.Colon,
                '>' => DetectorAnchors.Greater,
                '+' => DetectorAnchors.Plus,
                '%' when index + 2 < text.Length && text[index + 1] == '4' && text[index + 2] == '0' => DetectorAnchors.EncodedAt,
                _ => DetectorAnchors.None,
            };
            rare &= rare - 1;
        }

        return anchors;
    }

    // Whether the key key_value would read back from the colon at index ends in a digit, and not in 64.
    private static bool IsAfterNumber(ReadOnlySpan<char> text, int index) =>
        index > 0 && char.IsAsciiDigit(text[index - 1]) && !(text[index - 1] == '4' && index > 1 && text[index - 2] == '6');

    private struct State
    {
        private static readonly Vector256<byte> LowNibble = Vector256.Create((byte)0x0F);

        private readonly bool _everyColon;

        // The patterns seen (PairBits) and the classes seen (Class), or-ed over every character of every block.
        private Vector256<byte> _pairs;
        private Vector256<byte> _classes;
        private DetectorAnchors _anchors;
        private int _digitStreak;
        private int _phoneStreak;
        private int _keyStreak;
        private bool _digitRun11;

        public State(bool everyColon) => _everyColon = everyColon;

        // Adds the block at position in text, read as v0, and again one and two characters on (v1, v2), in the pack's
        // order when packed.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add<TNarrowing>(ReadOnlySpan<char> text, int position, Vector256<byte> v0, Vector256<byte> v1, Vector256<byte> v2, bool packed)
            where TNarrowing : struct, INarrowing
        {
            var low0 = TNarrowing.LowIndex(v0);
            var high0 = HighNibble(v0);
            var low1 = TNarrowing.LowIndex(v1);
            var high1 = HighNibble(v1);
            _pairs |= Pairs0.Lookup<TNarrowing>(low0, high0) & Pairs1.Lookup<TNarrowing>(low1, high1)
                & Pairs2.Lookup<TNarrowing>(v2 & LowNibble, HighNibble(v2));

            // The second position's bits, where the first has its separator copies, say what follows the separator;
            // the first position's other bits pass.
            var classes0 = Classes0.Lookup<TNarrowing>(low0, high0);
            _classes |= classes0;
            var classes = classes0 & (Classes1.Lookup<TNarrowing>(low1, high1) | Vector256.Create(unchecked((byte)~(Class.Separator | Class.SeparatorBeforeOpen))));

            // Runs: most blocks of text have fewer than 11 characters of any run in all, none reaching the block's end
            // and none carried into it, so no run is long enough and none carries on (one mask of them all decides).
            var inRuns = Any(classes, Class.Digit | Class.Separator | Class.SeparatorBeforeOpen | Class.Bracket | Class.UpperA | Class.UpperB);
            if ((_digitStreak | _phoneStreak | _keyStreak) != 0 || BitOperations.PopCount(inRuns) >= SsnRunChars || (int)inRuns < 0)
            {
                AddRuns(classes, packed);
            }

            // One shuffle and one comparison: each rare character sits at the table slot of its low four bits. Last,
            // so that no vector is live across the call.
            var rare = Vector256.Equals(TNarrowing.Shuffle(RareTable, low0), v0).ExtractMostSignificantBits();
            if (rare != 0)
            {
                _anchors |= RareAnchors(InOrder(rare, packed), text, position, _everyColon);
            }
        }

        /// <summary>Gets whether a run reaches the end of the last block added, to be carried into the next.</summary>
        public readonly bool Streaking => (_digitStreak | _phoneStreak | _keyStreak) != 0;

        // What the 64-character steps or-ed over their characters (either half of each holds two blocks' worth).
        public void Add(Vector512<byte> pairs, Vector512<byte> classes)
        {
            _pairs |= pairs.GetLower() | pairs.GetUpper();
            _classes |= classes.GetLower() | classes.GetUpper();
        }

        // The rare characters of a 64-character step at position (bit i: character position + i).
        public void AddRare(ulong rare, ReadOnlySpan<char> text, int position) =>
            _anchors |= RareAnchors(rare, text, position, _everyColon);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void AddRuns(Vector256<byte> classes, bool packed) =>
            AddRuns(
                InOrder(Any(classes, Class.Digit | Class.Separator), packed),
                InOrder(Any(classes, Class.Digit | Class.Separator | Class.SeparatorBeforeOpen | Class.Bracket), packed),
                InOrder(Any(classes, Class.Digit | Class.UpperA | Class.UpperB), packed));

        // A block's characters that may be in a digit run, a phone number and an AWS key id, in order.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void AddRuns(uint digits, uint phones, uint keys)
        {
            // A digit run as the card and SSN detectors read it: digits, and single separators before a digit.
            var digitRuns8 = Runs8(digits, ref _digitStreak, SsnRunChars, out var carried);
            _digitRun11 |= carried >= SsnRunChars || (digitRuns8 & (digitRuns8 >> (SsnRunChars - 8))) != 0;
            if (carried >= CardRunChars || (digitRuns8 & (digitRuns8 >> (CardRunChars - 8))) != 0)
            {
                _anchors |= DetectorAnchors.DigitRun13;
            }

            // A national phone number also has brackets around its area code: (415) 555-2671.
            var phoneRuns8 = Runs8(phones, ref _phoneStreak, PhoneRunChars, out carried);
            if (carried >= PhoneRunChars || (phoneRuns8 & (phoneRuns8 >> (PhoneRunChars - 8))) != 0)
            {
                _anchors |= DetectorAnchors.PhoneShape;
            }

            // An AWS key id is 20 upper-case letters and digits in a row.
            var keyRuns8 = Runs8(keys, ref _keyStreak, AwsKeyChars, out carried);
            var keyRuns16 = keyRuns8 & (keyRuns8 >> 8);
            if (carried >= AwsKeyChars || (keyRuns16 & (keyRuns16 >> (AwsKeyChars - 16))) != 0)
            {
                _anchors |= DetectorAnchors.AwsPrefix;
            }
        }

        public readonly DetectorAnchors Finish()
        {
            var anchors = _anchors;
            if (_pairs != Vector256<byte>.Zero)
            {
                var pairs = OrBytes(_pairs);
                anchors |= (pairs & PairBits.DoubleDash) != 0 ? DetectorAnchors.DoubleDash : 0;
                anchors |= (pairs & PairBits.Iban) != 0 ? DetectorAnchors.IbanStart : 0;
                anchors |= (pairs & PairBits.JwtOrIz) != 0 ? DetectorAnchors.JwtStart | DetectorAnchors.ApiKeyPrefix : 0;
                anchors |= (pairs & PairBits.Cookie) != 0 ? DetectorAnchors.CookieHeader : 0;
                anchors |= (pairs & (PairBits.AuthA | PairBits.AuthS)) != 0 ? DetectorAnchors.AuthScheme : 0;
                anchors |= (pairs & (PairBits.LowerUnderscore | PairBits.LowerDash)) != 0 ? DetectorAnchors.ApiKeyPrefix : 0;
            }

            anchors |= _digitRun11 && (OrBytes(_classes) & Class.Dash) != 0 ? DetectorAnchors.SsnShape : 0;
            return anchors;
        }

        // The high four bits of each byte (a 16-bit shift brings the next byte's low bits in; the mask clears them).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<byte> HighNibble(Vector256<byte> v) =>
            Vector256.ShiftRightLogical(v.AsUInt16(), 4).AsByte() & LowNibble;

        // Bit i: character i has any of bits (none of which is the sign bit).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static uint Any(Vector256<byte> classes, byte bits) =>
            Vector256.GreaterThan((classes & Vector256.Create(bits)).AsSByte(), Vector256<sbyte>.Zero).ExtractMostSignificantBits();

        // A mask of a block in the pack's order (characters 0-7, 16-23, 8-15, 24-31) put in the characters' order.
        private static uint InOrder(uint mask, bool packed) =>
            packed ? (mask & 0xFF0000FF) | ((mask << 8) & 0x00FF0000) | ((mask >> 8) & 0x0000FF00) : mask;

        private static int OrBytes(Vector256<byte> v)
        {
            var halves = (v.GetLower() | v.GetUpper()).AsUInt64();
            var bytes = halves.GetElement(0) | halves.GetElement(1);
            bytes |= bytes >> 32;
            bytes |= bytes >> 16;
            bytes |= bytes >> 8;
            return (byte)bytes;
        }

        // Bits where eight set bits of run start (bit i is character i of the block); carried is the length of the run
        // that began in earlier blocks and goes on at bit 0, and streak becomes that of the run reaching the block's end.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static uint Runs8(uint run, ref int streak, int shortest, out int carried)
        {
            carried = streak + BitOperations.TrailingZeroCount(~run);
            var reachable = streak + BitOperations.PopCount(run) >= shortest;
            streak = run == uint.MaxValue ? streak + BlockChars : BitOperations.LeadingZeroCount(~run);
            if (!reachable)
            {
                // Fewer set bits than shortest, counting the carried run: no run that long ends in this block (and
                // carried is shorter too). Most blocks of text stop here.
                return 0;
            }

            var runs2 = run & (run >> 1);
            var runs4 = runs2 & (runs2 >> 2);
            return runs4 & (runs4 >> 4);
        }
    }

    // A character class (or pattern position) per bit, looked up by a character's low and high four bits: bit b of
    // Low[l] is set when some character of class b has low half l, and likewise for High, so the AND of the two
    // lookups holds the classes whose low and high halves both fit the character.
    private readonly struct NibbleTable
    {
        private NibbleTable(Vector256<byte> low, Vector256<byte> high)
        {
            Low = low;
            High = high;
        }

        public Vector256<byte> Low { get; }

        public Vector256<byte> High { get; }

        // Each class as its characters (null: every byte), one entry per bit.
        public static NibbleTable Create(params ReadOnlySpan<(string? Chars, int Bits)> classes)
        {
            Span<byte> low = stackalloc byte[16];
            Span<byte> high = stackalloc byte[16];
            low.Clear();
            high.Clear();
            foreach (var (chars, bits) in classes)
            {
                for (var half = 0; half < 16 && chars is null; half++)
                {
                    low[half] |= (byte)bits;
                    high[half] |= (byte)bits;
                }

                foreach (var c in chars ?? string.Empty)
                {
                    low[c & 0x0F] |= (byte)bits;
                    high[c >> 4] |= (byte)bits;
                }
            }

            // Both 128-bit lanes hold the table: a shuffle looks up within its lane.
            return new NibbleTable(
                Vector256.Create(Vector128.Create((ReadOnlySpan<byte>)low)),
                Vector256.Create(Vector128.Create((ReadOnlySpan<byte>)high)));
        }

        // Indices 0 to 15 only: the same answer from the hardware shuffle and the portable one.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<byte> Lookup<TNarrowing>(Vector256<byte> low, Vector256<byte> high)
            where TNarrowing : struct, INarrowing =>
            TNarrowing.Shuffle(Low, low) & TNarrowing.Shuffle(High, high);
    }

    // AVX2: a saturating pack, left in its order in the loop and put in order (the pack works per 128-bit lane) for
    // the last block; the in-lane shuffle (ShuffleNative would take AVX-512's full-width permute); shifts across the
    // lanes by one permute and an alignment per shift.
    private readonly struct NativeNarrowing : INarrowing
    {
        public static bool Packed => true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<byte> NarrowPacked(Vector256<ushort> lower, Vector256<ushort> upper) =>
            Avx2.PackUnsignedSaturate(lower.AsInt16(), upper.AsInt16());

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<byte> Shuffle(Vector256<byte> table, Vector256<byte> indices) => Avx2.Shuffle(table, indices);

        // The byte itself: the shuffle reads its low four bits, and gives 0 for a byte of 128 or more (where the
        // high-half lookup gives 0 too).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<byte> LowIndex(Vector256<byte> v) => v;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<byte> Narrow(Vector256<ushort> lower, Vector256<ushort> upper) =>
            Avx2.Permute4x64(Avx2.PackUnsignedSaturate(lower.AsInt16(), upper.AsInt16()).AsUInt64(), 0b11_01_10_00).AsByte();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<byte> ShiftIn1(Vector256<byte> block, Vector256<byte> next) =>
            Avx2.AlignRight(Avx2.Permute2x128(block, next, 0x21), block, 1);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<byte> ShiftIn2(Vector256<byte> block, Vector256<byte> next) =>
            Avx2.AlignRight(Avx2.Permute2x128(block, next, 0x21), block, 2);
    }

    // Any hardware: the same bytes by clamping before narrowing, in order; shifts through memory.
    private readonly struct PortableNarrowing : INarrowing
    {
        public static bool Packed => false;

        public static Vector256<byte> NarrowPacked(Vector256<ushort> lower, Vector256<ushort> upper) => Narrow(lower, upper);

        public static Vector256<byte> Shuffle(Vector256<byte> table, Vector256<byte> indices) => Vector256.Shuffle(table, indices);

        public static Vector256<byte> LowIndex(Vector256<byte> v) => v & Vector256.Create((byte)0x0F);

        public static Vector256<byte> Narrow(Vector256<ushort> lower, Vector256<ushort> upper) =>
            Vector256.Narrow(Clamp(lower), Clamp(upper));

        public static Vector256<byte> ShiftIn1(Vector256<byte> block, Vector256<byte> next) => ShiftIn(block, next, 1);

        public static Vector256<byte> ShiftIn2(Vector256<byte> block, Vector256<byte> next) => ShiftIn(block, next, 2);

        private static Vector256<ushort> Clamp(Vector256<ushort> chars) =>
            Vector256.Min(Vector256.Max(chars.AsInt16(), Vector256<short>.Zero), Vector256.Create((short)byte.MaxValue)).AsUInt16();

        private static Vector256<byte> ShiftIn(Vector256<byte> block, Vector256<byte> next, int count)
        {
            Span<byte> both = stackalloc byte[2 * BlockChars];
            block.CopyTo(both);
            next.CopyTo(both[BlockChars..]);
            return Vector256.Create((ReadOnlySpan<byte>)both.Slice(count, BlockChars));
        }
    }

    // The bits of Classes0 and Classes1.
    private static class Class
    {
        public const byte Digit = 1;
        public const byte Separator = 2;
        public const byte SeparatorBeforeOpen = 4;
        public const byte Bracket = 8;
        public const byte UpperA = 16;
        public const byte UpperB = 32;
        public const byte Dash = 64;
    }

    // The bits of the pattern tables.
    private static class PairBits
    {
        public const byte DoubleDash = 1;
        public const byte Iban = 2;
        public const byte JwtOrIz = 4;
        public const byte Cookie = 8;
        public const byte AuthA = 16;
        public const byte AuthS = 32;
        public const byte LowerUnderscore = 64;
        public const byte LowerDash = 128;
    }
}
