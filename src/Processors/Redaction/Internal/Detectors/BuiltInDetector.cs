using System.Buffers;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Base of the built-in detectors. They share one loop: find the next anchor with a vectorized search
/// (<see cref="FindAnchor(ReadOnlySpan{char}, DetectorAnchors)"/>), then check the text around it (<see cref="TryMatchAt"/>). A check reads a bounded
/// neighbourhood of its anchor, or consumes what it read in the match, so a whole scan is linear in the text.
/// </summary>
internal abstract class BuiltInDetector : RedactionDetector
{
    // SearchValues rather than IndexOfAnyInRange: the latter allocates until the JIT optimizes its generic path.
    protected static readonly SearchValues<char> Digits = SearchValues.Create("0123456789");

    protected static readonly SearchValues<char> UpperLetters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ");

    protected BuiltInDetector(string name, DetectorAnchors anchors)
        : base(name)
    {
        Anchors = anchors;
    }

    /// <summary>Gets what <see cref="AnchorScan"/> must have seen in a text for this detector to match in it.</summary>
    internal DetectorAnchors Anchors { get; }

    public sealed override bool TryFind(ReadOnlySpan<char> text, int startAt, out int index, out int length)
    {
        var cursor = new ScanCursor { Position = startAt, Floor = startAt };
        var found = TryFindNext(text, ref cursor, out var match);
        index = match.Index;
        length = match.Length;
        return found;
    }

    internal sealed override bool TryFindReplacement(
        ReadOnlySpan<char> text, int startAt, out int index, out int length, out string replacement)
    {
        var cursor = new ScanCursor { Position = startAt, Floor = startAt };
        var found = TryFindNext(text, ref cursor, out var match);
        index = match.Index;
        length = match.Length;
        replacement = match.Replacement ?? string.Empty;
        return found;
    }

    /// <summary>Finds the next match at or after the cursor, and moves the cursor past it.</summary>
    internal bool TryFindNext(ReadOnlySpan<char> text, ref ScanCursor cursor, out DetectorMatch match)
    {
        cursor.Floor = cursor.Position;
        while (cursor.Position < text.Length)
        {
            var found = FindAnchor(text[cursor.Position..], cursor.Seen);
            if (found < 0)
            {
                break;
            }

            var anchor = cursor.Position + found;
            cursor.Position = anchor + 1;
            if (TryMatchAt(text, anchor, ref cursor, out match))
            {
                cursor.Position = match.End;
                return true;
            }
        }

        cursor.Position = text.Length;
        match = default;
        return false;
    }

    /// <summary>Returns the offset of the first anchor in <paramref name="text"/>, or -1 (a vectorized search).</summary>
    protected abstract int FindAnchor(ReadOnlySpan<char> text);

    /// <summary>
    /// Returns the offset of the first anchor in <paramref name="text"/>, or -1, searching only for the anchors the
    /// pre-scan saw (<paramref name="seen"/>; <see cref="DetectorAnchors.None"/> when the text was not pre-scanned).
    /// </summary>
    protected virtual int FindAnchor(ReadOnlySpan<char> text, DetectorAnchors seen) => FindAnchor(text);

    /// <summary>
    /// Checks the anchor at <paramref name="anchor"/>. On a miss the next anchor search starts at
    /// <c>anchor + 1</c> unless the check moves <see cref="ScanCursor.Position"/> further.
    /// </summary>
    protected abstract bool TryMatchAt(ReadOnlySpan<char> text, int anchor, ref ScanCursor cursor, out DetectorMatch match);

    protected static bool IsAsciiAlnum(char c) => char.IsAsciiLetterOrDigit(c);

    protected static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    protected static bool IsAlreadyRedacted(ReadOnlySpan<char> value) =>
        value.StartsWith("[REDACTED", StringComparison.Ordinal) || value.StartsWith("REDACTED", StringComparison.Ordinal);

    protected static bool Miss(out DetectorMatch match)
    {
        match = default;
        return false;
    }

    protected bool Hit(int index, int length, out DetectorMatch match) => Hit(index, length, Replacement, out match);

    protected static bool Hit(int index, int length, string replacement, out DetectorMatch match)
    {
        match = new DetectorMatch(index, length, replacement);
        return true;
    }
}
