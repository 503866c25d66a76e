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
/// The answer may over-report (a non-ASCII character folds onto an ASCII one, a digit run that is not a card), never
/// under-report: a detector skipped because its anchors were not seen could not have matched. Each 32-character
/// block is compared with itself shifted by one and two characters (read from memory), so patterns never straddle
/// blocks; only digit runs carry from one block to the next. The last block is read with masked loads where the
/// hardware has them (AVX-512), which read nothing past the text and give zeros there; elsewhere it is copied after
/// zeros first.
/// </remarks>
internal static class AnchorScan
{
    private const int BlockChars = 32;
    private const int Lookahead = 2;
    private const int SsnRunChars = 11;
    private const int CardRunChars = 13;
    private const int PhoneRunChars = 11;
    private const int AwsKeyChars = 20;

    // Each rare character (@ = : > + %) sits at the slot of its low four bits (all differ), so one shuffle and one
    // comparison tell whether a character is one of them; the other slots hold a byte whose low four bits differ.
    private static readonly Vector256<byte> RareTable = Vector256.Create(Vector128.Create(
        (byte)'@', 0xFF, 0xFF, 0xFF, 0xFF, (byte)'%', 0xFF, 0xFF, 0xFF, 0xFF, (byte)':', (byte)'+', 0xFF, (byte)'=', (byte)'>', 0x00));

    /// <summary>Gets whether the last block is read with masked loads (AVX-512) rather than copied.</summary>
    internal static bool MaskedTail => Avx512BW.VL.IsSupported;

    /// <summary>Returns the anchors seen in <paramref name="text"/>, for the built-in sensitive keys.</summary>
    public static DetectorAnchors Scan(ReadOnlySpan<char> text) => Scan(text, MaskedTail, everyColon: false);

    /// <summary>
    /// Returns the anchors seen in <paramref name="text"/>, for the built-in sensitive keys, its last block read with
    /// masked loads when <paramref name="maskedTail"/> and the hardware has them, otherwise copied (both give the same
    /// answer).
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
        ref var start = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
        var state = new State(everyColon);
        var position = 0;
        for (; position + BlockChars + Lookahead <= text.Length; position += BlockChars)
        {
            state.Add(text, position, Load(ref start, position), Load(ref start, position + 1), Load(ref start, position + 2));
        }

        if (position < text.Length)
        {
            if (maskedTail && MaskedTail)
            {
                AddMasked(text, position, ref state);
            }
            else
            {
                AddCopied(text, position, ref state);
            }
        }

        return state.Finish();
    }

    // The rest (fewer than 34 characters) read with masked loads: lanes past the text are zero and never touched.
    private static unsafe void AddMasked(ReadOnlySpan<char> text, int position, ref State state)
    {
        fixed (char* chars = text)
        {
            var start = (ushort*)chars;
            for (; position < text.Length; position += BlockChars)
            {
                var left = text.Length - position;
                state.Add(
                    text,
                    position,
                    LoadMasked(start + position, left),
                    LoadMasked(start + position + 1, left - 1),
                    LoadMasked(start + position + 2, left - Lookahead));
            }
        }
    }

    // The rest (fewer than 34 characters) copied after zeros, so that the look-ahead reads stay inside.
    private static void AddCopied(ReadOnlySpan<char> text, int position, ref State state)
    {
        Span<char> tail = stackalloc char[(2 * BlockChars) + Lookahead];
        var rest = text[position..];
        rest.CopyTo(tail);
        ref var start = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(tail));
        for (var offset = 0; offset < rest.Length; offset += BlockChars)
        {
            state.Add(text, position + offset, Load(ref start, offset), Load(ref start, offset + 1), Load(ref start, offset + 2));
        }
    }

    // Narrowing truncates: ASCII stays itself, other characters may fold onto ASCII (over-reporting only).
    private static Vector256<byte> Load(ref ushort start, int offset) =>
        Vector256.Narrow(
            Vector256.LoadUnsafe(ref start, (nuint)offset),
            Vector256.LoadUnsafe(ref start, (nuint)(offset + 16)));

    // The 32 characters at chars, of which left (possibly none) are in the text; the others read as zero.
    private static unsafe Vector256<byte> LoadMasked(ushort* chars, int left) =>
        Vector256.Narrow(LoadMaskedHalf(chars, left), LoadMaskedHalf(chars + 16, left - 16));

    private static unsafe Vector256<ushort> LoadMaskedHalf(ushort* chars, int left) =>
        Avx512BW.VL.MaskLoad(
            chars,
            Vector256.LessThan(Vector256<ushort>.Indices, Vector256.Create((ushort)Math.Clamp(left, 0, 16))),
            Vector256<ushort>.Zero);

    // Rare characters are few, so each is looked at once, in the text (block is where the mask's bit 0 is). A folded
    // non-ASCII character maps to nothing. A '%' is an anchor only as "%40" (an encoded '@'); a ':' right after a digit
    // only as everyColon and AnchorScan.Scan say.
    private static DetectorAnchors RareAnchors(uint rare, ReadOnlySpan<char> text, int block, bool everyColon)
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
                '%' when text[(index + 1)..].StartsWith("40", StringComparison.Ordinal) => DetectorAnchors.EncodedAt,
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
        // The character pairs and triples seen, one bit each (PairBits), or-ed over every character of every block.
        private Vector256<byte> _pairs;
        private DetectorAnchors _anchors;
        private int _digitStreak;
        private int _phoneStreak;
        private int _keyStreak;
        private bool _digitRun11;
        private bool _dash;
        private readonly bool _everyColon;

        public State(bool everyColon) => _everyColon = everyColon;

        // Adds the block at position in text, read as v0, and again one and two characters on (v1, v2).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(ReadOnlySpan<char> text, int position, Vector256<byte> v0, Vector256<byte> v1, Vector256<byte> v2)
        {
            var digit0 = IsDigit(v0);
            var digit1 = IsDigit(v1);
            var upper0 = IsUpper(v0);
            var dash0 = Vector256.Equals(v0, Vector256.Create((byte)'-'));
            var dash1 = Vector256.Equals(v1, Vector256.Create((byte)'-'));
            var folded0 = v0 | Vector256.Create((byte)0x20);
            var folded1 = v1 | Vector256.Create((byte)0x20);
            var folded2 = v2 | Vector256.Create((byte)0x20);

            var doubleDash = dash0 & dash1;
            var iban = IsLower(folded0) & IsLower(folded1) & IsDigit(v2);
            var jwt = Vector256.Equals(v0, Vector256.Create((byte)'y')) & Vector256.Equals(v1, Vector256.Create((byte)'J'));
            var auth = Vector256.Equals(folded0, Vector256.Create((byte)'b'))
                & (Vector256.Equals(folded1, Vector256.Create((byte)'e')) | Vector256.Equals(folded1, Vector256.Create((byte)'a')))
                & (Vector256.Equals(folded2, Vector256.Create((byte)'a')) | Vector256.Equals(folded2, Vector256.Create((byte)'s')));
            var apiKey = (IsLower(v0) & (Vector256.Equals(v1, Vector256.Create((byte)'_')) | dash1))
                | (Vector256.Equals(v0, Vector256.Create((byte)'I')) & Vector256.Equals(v1, Vector256.Create((byte)'z')));
            var cookie = Vector256.Equals(folded0, Vector256.Create((byte)'e')) & Vector256.Equals(v1, Vector256.Create((byte)':'));
            _pairs |= (doubleDash & Vector256.Create(PairBits.DoubleDash)) | (iban & Vector256.Create(PairBits.Iban))
                | (jwt & Vector256.Create(PairBits.Jwt)) | (auth & Vector256.Create(PairBits.Auth))
                | (apiKey & Vector256.Create(PairBits.ApiKey)) | (cookie & Vector256.Create(PairBits.Cookie));

            // One shuffle and one comparison: each rare character sits at the table slot of its low four bits.
            var rare = Vector256.Equals(Vector256.ShuffleNative(RareTable, v0 & Vector256.Create((byte)0x0F)), v0).ExtractMostSignificantBits();
            if (rare != 0)
            {
                _anchors |= RareAnchors(rare, text, position, _everyColon);
            }

            // A digit run as the card and SSN detectors read it: digits, and single separators before a digit.
            var separator0 = dash0 | Vector256.Equals(v0, Vector256.Create((byte)' '));
            var digitRun = digit0 | (separator0 & digit1);
            var digitRuns8 = Runs8(digitRun.ExtractMostSignificantBits(), ref _digitStreak, SsnRunChars, out var carried);
            _digitRun11 |= carried >= SsnRunChars || (digitRuns8 & (digitRuns8 >> (SsnRunChars - 8))) != 0;
            if (carried >= CardRunChars || (digitRuns8 & (digitRuns8 >> (CardRunChars - 8))) != 0)
            {
                _anchors |= DetectorAnchors.DigitRun13;
            }

            // A national phone number also has brackets around its area code: (415) 555-2671.
            var open0 = Vector256.Equals(v0, Vector256.Create((byte)'('));
            var open1 = Vector256.Equals(v1, Vector256.Create((byte)'('));
            var close0 = Vector256.Equals(v0, Vector256.Create((byte)')'));
            var phoneRuns8 = Runs8((digitRun | open0 | close0 | (separator0 & open1)).ExtractMostSignificantBits(), ref _phoneStreak, PhoneRunChars, out carried);
            if (carried >= PhoneRunChars || (phoneRuns8 & (phoneRuns8 >> (PhoneRunChars - 8))) != 0)
            {
                _anchors |= DetectorAnchors.PhoneShape;
            }

            // An AWS key id is 20 upper-case letters and digits in a row.
            var keyRuns8 = Runs8((upper0 | digit0).ExtractMostSignificantBits(), ref _keyStreak, AwsKeyChars, out carried);
            var keyRuns16 = keyRuns8 & (keyRuns8 >> 8);
            if (carried >= AwsKeyChars || (keyRuns16 & (keyRuns16 >> (AwsKeyChars - 16))) != 0)
            {
                _anchors |= DetectorAnchors.AwsPrefix;
            }

            _dash |= dash0 != Vector256<byte>.Zero;
        }

        public readonly DetectorAnchors Finish()
        {
            var anchors = _anchors;
            if (_pairs != Vector256<byte>.Zero)
            {
                anchors |= Has(PairBits.DoubleDash) ? DetectorAnchors.DoubleDash : 0;
                anchors |= Has(PairBits.Iban) ? DetectorAnchors.IbanStart : 0;
                anchors |= Has(PairBits.Jwt) ? DetectorAnchors.JwtStart : 0;
                anchors |= Has(PairBits.Auth) ? DetectorAnchors.AuthScheme : 0;
                anchors |= Has(PairBits.ApiKey) ? DetectorAnchors.ApiKeyPrefix : 0;
                anchors |= Has(PairBits.Cookie) ? DetectorAnchors.CookieHeader : 0;
            }

            anchors |= _digitRun11 && _dash ? DetectorAnchors.SsnShape : 0;
            return anchors;
        }

        private readonly bool Has(byte bit) => (_pairs & Vector256.Create(bit)) != Vector256<byte>.Zero;

        private static Vector256<byte> IsDigit(Vector256<byte> v) =>
            Vector256.LessThan(v - Vector256.Create((byte)'0'), Vector256.Create((byte)10));

        private static Vector256<byte> IsUpper(Vector256<byte> v) =>
            Vector256.LessThan(v - Vector256.Create((byte)'A'), Vector256.Create((byte)26));

        private static Vector256<byte> IsLower(Vector256<byte> v) =>
            Vector256.LessThan(v - Vector256.Create((byte)'a'), Vector256.Create((byte)26));

        // Bits where eight set bits of run start (bit i is character i of the block); carried is the length of the run
        // that began in earlier blocks and goes on at bit 0, and streak becomes that of the run reaching the block's end.
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

    // The bits of State's pair mask.
    private static class PairBits
    {
        public const byte DoubleDash = 1;
        public const byte Iban = 2;
        public const byte Jwt = 4;
        public const byte Auth = 8;
        public const byte ApiKey = 16;
        public const byte Cookie = 32;
    }
}
