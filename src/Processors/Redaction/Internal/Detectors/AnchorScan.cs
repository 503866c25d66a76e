using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
/// blocks; only digit runs carry from one block to the next.
/// </remarks>
internal static class AnchorScan
{
    private const int BlockChars = 32;
    private const int Lookahead = 2;
    private const int SsnRunChars = 11;
    private const int CardRunChars = 13;
    private const int PhoneRunChars = 11;
    private const int AwsKeyChars = 20;

    /// <summary>Returns the anchors seen in <paramref name="text"/>.</summary>
    public static DetectorAnchors Scan(ReadOnlySpan<char> text)
    {
        var state = new State();
        var position = 0;
        for (; position + BlockChars + Lookahead <= text.Length; position += BlockChars)
        {
            state.Add(text[position..], position > 0 ? text[position - 1] : '\0');
        }

        // The rest (fewer than 34 characters) is copied after zeros so that the look-ahead reads stay inside.
        Span<char> tail = stackalloc char[(2 * BlockChars) + Lookahead];
        tail.Clear();
        var rest = text[position..];
        rest.CopyTo(tail);
        for (var offset = 0; offset < rest.Length; offset += BlockChars)
        {
            state.Add(tail[offset..], position + offset > 0 ? text[position + offset - 1] : '\0');
        }

        return state.Finish();
    }

    // Rare characters are few, so each is looked at once. A folded non-ASCII character maps to nothing. A ':' after
    // an 'e' may end "cookie:" (before is the character before the block).
    private static DetectorAnchors RareAnchors(uint rare, ReadOnlySpan<char> block, char before)
    {
        var anchors = DetectorAnchors.None;
        while (rare != 0)
        {
            var index = BitOperations.TrailingZeroCount(rare);
            anchors |= block[index] switch
            {
                '@' => DetectorAnchors.At,
                '=' => DetectorAnchors.EqualsSign,
                ':' when ((index > 0 ? block[index - 1] : before) | 0x20) == 'e' => DetectorAnchors.Colon | DetectorAnchors.CookieHeader,
                ':' => DetectorAnchors.Colon,
                '>' => DetectorAnchors.Greater,
                '+' => DetectorAnchors.Plus,
                _ => DetectorAnchors.None,
            };
            rare &= rare - 1;
        }

        return anchors;
    }

    private struct State
    {
        private Vector256<byte> _doubleDash;
        private Vector256<byte> _iban;
        private Vector256<byte> _jwt;
        private Vector256<byte> _auth;
        private Vector256<byte> _apiKey;
        private Vector256<byte> _encodedAt;
        private DetectorAnchors _rare;
        private Run _digits;
        private Run _phone;
        private Run _keyChars;
        private bool _dash;

        // Reads the block at the start of chars and the two characters after it; before is the character before it.
        public void Add(ReadOnlySpan<char> chars, char before)
        {
            ref var start = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(chars));

            // Narrowing truncates: ASCII stays itself, other characters may fold onto ASCII (over-reporting only).
            var v0 = Load(ref start, 0);
            var v1 = Load(ref start, 1);
            var v2 = Load(ref start, 2);
            var digit0 = IsDigit(v0);
            var digit1 = IsDigit(v1);
            var upper0 = IsUpper(v0);
            var dash0 = Vector256.Equals(v0, Vector256.Create((byte)'-'));
            var dash1 = Vector256.Equals(v1, Vector256.Create((byte)'-'));
            var folded0 = v0 | Vector256.Create((byte)0x20);
            var folded1 = v1 | Vector256.Create((byte)0x20);
            var folded2 = v2 | Vector256.Create((byte)0x20);

            _doubleDash |= dash0 & dash1;
            _iban |= IsLower(folded0) & IsLower(folded1) & IsDigit(v2);
            _jwt |= Vector256.Equals(v0, Vector256.Create((byte)'y')) & Vector256.Equals(v1, Vector256.Create((byte)'J'));
            _auth |= Vector256.Equals(folded0, Vector256.Create((byte)'b'))
                & (Vector256.Equals(folded1, Vector256.Create((byte)'e')) | Vector256.Equals(folded1, Vector256.Create((byte)'a')))
                & (Vector256.Equals(folded2, Vector256.Create((byte)'a')) | Vector256.Equals(folded2, Vector256.Create((byte)'s')));
            _apiKey |= (IsLower(v0) & (Vector256.Equals(v1, Vector256.Create((byte)'_')) | dash1))
                | (Vector256.Equals(v0, Vector256.Create((byte)'I')) & Vector256.Equals(v1, Vector256.Create((byte)'z')));
            _encodedAt |= Vector256.Equals(v0, Vector256.Create((byte)'%')) & Vector256.Equals(v1, Vector256.Create((byte)'4'))
                & Vector256.Equals(v2, Vector256.Create((byte)'0'));

            var rare = (Vector256.Equals(v0, Vector256.Create((byte)'@')) | Vector256.Equals(v0, Vector256.Create((byte)'='))
                | Vector256.Equals(v0, Vector256.Create((byte)':')) | Vector256.Equals(v0, Vector256.Create((byte)'>'))
                | Vector256.Equals(v0, Vector256.Create((byte)'+'))).ExtractMostSignificantBits();
            if (rare != 0)
            {
                _rare |= RareAnchors(rare, chars, before);
            }

            // A digit run as the card and SSN detectors read it: digits, and single separators before a digit.
            var separator0 = dash0 | Vector256.Equals(v0, Vector256.Create((byte)' '));
            var digitRun = digit0 | (separator0 & digit1);
            _digits.Add(digitRun.ExtractMostSignificantBits());

            // A national phone number also has brackets around its area code: (415) 555-2671.
            var open0 = Vector256.Equals(v0, Vector256.Create((byte)'('));
            var open1 = Vector256.Equals(v1, Vector256.Create((byte)'('));
            var close0 = Vector256.Equals(v0, Vector256.Create((byte)')'));
            _phone.Add((digitRun | open0 | close0 | (separator0 & open1)).ExtractMostSignificantBits());

            // An AWS key id is 20 upper-case letters and digits in a row.
            _keyChars.Add((upper0 | digit0).ExtractMostSignificantBits());
            _dash |= dash0 != Vector256<byte>.Zero;
        }

        public readonly DetectorAnchors Finish()
        {
            var anchors = _rare;
            anchors |= _doubleDash != Vector256<byte>.Zero ? DetectorAnchors.DoubleDash : 0;
            anchors |= _iban != Vector256<byte>.Zero ? DetectorAnchors.IbanStart : 0;
            anchors |= _jwt != Vector256<byte>.Zero ? DetectorAnchors.JwtStart : 0;
            anchors |= _auth != Vector256<byte>.Zero ? DetectorAnchors.AuthScheme : 0;
            anchors |= _keyChars.Longest >= AwsKeyChars ? DetectorAnchors.AwsPrefix : 0;
            anchors |= _apiKey != Vector256<byte>.Zero ? DetectorAnchors.ApiKeyPrefix : 0;
            anchors |= _encodedAt != Vector256<byte>.Zero ? DetectorAnchors.EncodedAt : 0;
            anchors |= _digits.Longest >= SsnRunChars && _dash ? DetectorAnchors.SsnShape : 0;
            anchors |= _digits.Longest >= CardRunChars ? DetectorAnchors.DigitRun13 : 0;
            anchors |= _phone.Longest >= PhoneRunChars ? DetectorAnchors.PhoneShape : 0;
            return anchors;
        }

        private static Vector256<byte> Load(ref ushort start, int offset) =>
            Vector256.Narrow(
                Vector256.LoadUnsafe(ref start, (nuint)offset),
                Vector256.LoadUnsafe(ref start, (nuint)(offset + 16)));

        private static Vector256<byte> IsDigit(Vector256<byte> v) =>
            Vector256.LessThan(v - Vector256.Create((byte)'0'), Vector256.Create((byte)10));

        private static Vector256<byte> IsUpper(Vector256<byte> v) =>
            Vector256.LessThan(v - Vector256.Create((byte)'A'), Vector256.Create((byte)26));

        private static Vector256<byte> IsLower(Vector256<byte> v) =>
            Vector256.LessThan(v - Vector256.Create((byte)'a'), Vector256.Create((byte)26));

    }

    // The longest run of set bits over consecutive blocks (bit i is character i of a block).
    private struct Run
    {
        private int _streak;

        public int Longest { get; private set; }

        public void Add(uint run)
        {
            if (run == 0)
            {
                _streak = 0;
                return;
            }

            if (run == uint.MaxValue)
            {
                _streak += BlockChars;
                Longest = Math.Max(Longest, _streak);
                return;
            }

            var longest = Math.Max(_streak + BitOperations.TrailingZeroCount(~run), LongestRun(run));
            Longest = Math.Max(Longest, longest);
            _streak = BitOperations.LeadingZeroCount(~run);
        }

        // Each step shortens every run by one, so the number of steps to zero is the longest run.
        private static int LongestRun(uint run)
        {
            var steps = 0;
            for (var x = run; x != 0; x &= x >> 1)
            {
                steps++;
            }

            return steps;
        }
    }
}
