using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// The one pre-scan every scanned value gets: a single vectorized pass that records which anchors the built-in
/// detectors need appear in the text (rare characters, digit runs, an IBAN's start, two dashes), then one
/// vectorized search for the known token prefixes. A clean value costs these two passes and nothing else.
/// </summary>
/// <remarks>
/// The answer may over-report (a non-ASCII character folds onto an ASCII one, a digit run that is not a card), never
/// under-report: a detector skipped because its anchors were not seen could not have matched.
/// </remarks>
internal static class AnchorScan
{
    private const int BlockChars = 32;
    private const int SsnRunChars = 11;
    private const int CardRunChars = 13;

    private static readonly SearchValues<string> Prefixes = CreatePrefixes();

    /// <summary>Returns the anchors seen in <paramref name="text"/>.</summary>
    public static DetectorAnchors Scan(ReadOnlySpan<char> text)
    {
        var state = default(State);
        var position = 0;
        for (; position <= text.Length - BlockChars; position += BlockChars)
        {
            state.Add(Classify(text.Slice(position, BlockChars)));
        }

        var remaining = text.Length - position;
        if (remaining > 0)
        {
            if (text.Length >= BlockChars)
            {
                // The last full window overlaps what was read; the overlap is shifted out.
                var masks = Classify(text[^BlockChars..]);
                state.Add(masks.ShiftOut(BlockChars - remaining));
            }
            else
            {
                Span<char> tail = stackalloc char[BlockChars];
                text.CopyTo(tail);
                tail[text.Length..].Clear();
                state.Add(Classify(tail));
            }
        }

        state.Add(default);
        var anchors = state.Anchors;
        if (text.IndexOfAny(Prefixes) >= 0)
        {
            anchors |= DetectorAnchors.Prefix;
        }

        return anchors;
    }

    private static Masks Classify(ReadOnlySpan<char> block)
    {
        ref var start = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(block));
        if (Vector256.IsHardwareAccelerated)
        {
            // Narrowing truncates: ASCII stays itself, other characters may fold onto ASCII (over-reporting only).
            var bytes = Vector256.Narrow(Vector256.LoadUnsafe(ref start), Vector256.LoadUnsafe(ref start, 16));
            return Classify(bytes, block);
        }

        var low = Vector128.Narrow(Vector128.LoadUnsafe(ref start), Vector128.LoadUnsafe(ref start, 8));
        var high = Vector128.Narrow(Vector128.LoadUnsafe(ref start, 16), Vector128.LoadUnsafe(ref start, 24));
        return Classify(low, block).Combine(Classify(high, block[16..]));
    }

    private static Masks Classify(Vector256<byte> v, ReadOnlySpan<char> block)
    {
        var digits = Vector256.LessThan(v - Vector256.Create((byte)'0'), Vector256.Create((byte)10));
        var upper = Vector256.LessThan(v - Vector256.Create((byte)'A'), Vector256.Create((byte)26));
        var dash = Vector256.Equals(v, Vector256.Create((byte)'-'));
        var space = Vector256.Equals(v, Vector256.Create((byte)' '));
        var rare = Vector256.Equals(v, Vector256.Create((byte)'@')) | Vector256.Equals(v, Vector256.Create((byte)'='))
            | Vector256.Equals(v, Vector256.Create((byte)':')) | Vector256.Equals(v, Vector256.Create((byte)'>'))
            | Vector256.Equals(v, Vector256.Create((byte)'+'));
        return new Masks(
            digits.ExtractMostSignificantBits(),
            upper.ExtractMostSignificantBits(),
            dash.ExtractMostSignificantBits(),
            space.ExtractMostSignificantBits(),
            RareAnchors(rare.ExtractMostSignificantBits(), block));
    }

    // The same classification on 16 lanes, for hardware without 256-bit vectors (the vector types share no interface
    // that this could be written once against).
    private static Masks Classify(Vector128<byte> v, ReadOnlySpan<char> block)
    {
        var digits = Vector128.LessThan(v - Vector128.Create((byte)'0'), Vector128.Create((byte)10));
        var upper = Vector128.LessThan(v - Vector128.Create((byte)'A'), Vector128.Create((byte)26));
        var dash = Vector128.Equals(v, Vector128.Create((byte)'-'));
        var space = Vector128.Equals(v, Vector128.Create((byte)' '));
        var rare = Vector128.Equals(v, Vector128.Create((byte)'@')) | Vector128.Equals(v, Vector128.Create((byte)'='))
            | Vector128.Equals(v, Vector128.Create((byte)':')) | Vector128.Equals(v, Vector128.Create((byte)'>'))
            | Vector128.Equals(v, Vector128.Create((byte)'+'));
        return new Masks(
            digits.ExtractMostSignificantBits(),
            upper.ExtractMostSignificantBits(),
            dash.ExtractMostSignificantBits(),
            space.ExtractMostSignificantBits(),
            RareAnchors(rare.ExtractMostSignificantBits(), block));
    }

    // Rare characters are few, so each is looked at once. A folded non-ASCII character maps to nothing.
    private static DetectorAnchors RareAnchors(uint rare, ReadOnlySpan<char> block)
    {
        var anchors = DetectorAnchors.None;
        while (rare != 0)
        {
            anchors |= block[BitOperations.TrailingZeroCount(rare)] switch
            {
                '@' => DetectorAnchors.At,
                '=' => DetectorAnchors.EqualsSign,
                ':' => DetectorAnchors.Colon,
                '>' => DetectorAnchors.Greater,
                '+' => DetectorAnchors.Plus,
                _ => DetectorAnchors.None,
            };
            rare &= rare - 1;
        }

        return anchors;
    }

    private static SearchValues<string> CreatePrefixes()
    {
        var prefixes = new List<string>(AwsAccessKeyDetector.KeyPrefixes);
        prefixes.AddRange(ApiKeyDetector.KeyPrefixes);
        prefixes.AddRange(AuthHeaderDetector.SchemeNames);
        prefixes.Add(JwtDetector.Start);

        // Ignoring case over-reports a little for the case-sensitive prefixes and keeps one search for all.
        return SearchValues.Create([.. prefixes], StringComparison.OrdinalIgnoreCase);
    }

    // Bit i of each mask is character i of a 32-character block.
    private readonly record struct Masks(uint Digits, uint Upper, uint Dash, uint Space, DetectorAnchors Rare)
    {
        public Masks ShiftOut(int count) =>
            new(Digits >> count, Upper >> count, Dash >> count, Space >> count, Rare);

        public Masks Combine(Masks high) => new(
            Digits | (high.Digits << 16),
            Upper | (high.Upper << 16),
            Dash | (high.Dash << 16),
            Space | (high.Space << 16),
            Rare | high.Rare);
    }

    // Patterns may straddle blocks, so a block is judged when the next one is known: the previous block's bits are
    // 0–31 of a 64-bit window and the current block's are 32–63.
    private struct State
    {
        private Masks _previous;
        private int _streak;
        private int _longestRun;
        private bool _dash;

        public DetectorAnchors Anchors { get; private set; }

        public void Add(Masks current)
        {
            var digits = _previous.Digits | ((ulong)current.Digits << 32);
            var upper = _previous.Upper | ((ulong)current.Upper << 32);
            var dash = _previous.Dash | ((ulong)current.Dash << 32);
            var separators = dash | _previous.Space | ((ulong)current.Space << 32);
            var anchors = Anchors | current.Rare;
            if ((uint)(dash & (dash >> 1)) != 0)
            {
                anchors |= DetectorAnchors.DoubleDash;
            }

            if ((uint)(upper & (upper >> 1) & (digits >> 2) & (digits >> 3)) != 0)
            {
                anchors |= DetectorAnchors.IbanStart;
            }

            // A digit run as the card and SSN detectors read it: digits, and single separators before a digit.
            AddRun((uint)(digits | (separators & (digits >> 1))));
            _dash |= _previous.Dash != 0;
            if (_longestRun >= SsnRunChars && _dash)
            {
                anchors |= DetectorAnchors.SsnShape;
            }

            if (_longestRun >= CardRunChars)
            {
                anchors |= DetectorAnchors.DigitRun13;
            }

            Anchors = anchors;
            _previous = current;
        }

        private void AddRun(uint run)
        {
            if (run == uint.MaxValue)
            {
                _streak += BlockChars;
                _longestRun = Math.Max(_longestRun, _streak);
                return;
            }

            var longest = _streak + BitOperations.TrailingZeroCount(~run);
            if (run != 0 && longest < CardRunChars)
            {
                longest = Math.Max(longest, LongestRun(run));
            }

            _longestRun = Math.Max(_longestRun, longest);
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
