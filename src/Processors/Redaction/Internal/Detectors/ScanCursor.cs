using System.Buffers;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Where one detector's scan of one text stands: the next anchor search starts at <see cref="Position"/>, matches may
/// start at <see cref="Floor"/> or later, and one forward look-up is remembered so that it is not repeated for every
/// anchor (repeating it is what made a scan quadratic).
/// </summary>
internal struct ScanCursor
{
    // The remembered look-up: its result + 1 (0 = nothing remembered, int.MaxValue = nothing found to the end).
    private int _stop;

    /// <summary>Gets or sets where the next anchor search starts.</summary>
    public int Position { get; set; }

    /// <summary>Gets or sets the first index a match may start at (the end of the previous match).</summary>
    public int Floor { get; set; }

    /// <summary>Gets or sets a fact a detector derived from the remembered stop (e.g. "a <c>;key=</c> follows").</summary>
    public bool StopFact { get; set; }

    /// <summary>
    /// Gets or sets what the pre-scan saw in the text (<see cref="AnchorScan"/>), so that a detector with several
    /// anchors searches only for those present; <see cref="DetectorAnchors.None"/> when the text was not pre-scanned.
    /// </summary>
    public DetectorAnchors Seen { get; set; }

    /// <summary>
    /// Returns the index of the first of <paramref name="values"/> at or after <paramref name="start"/>, or -1.
    /// A detector must always pass the same <paramref name="values"/> and non-decreasing starts; then the text
    /// after one stop is searched once in all, however many anchors ask.
    /// </summary>
    /// <param name="text">The text being scanned.</param>
    /// <param name="start">Where the search starts; never less than in an earlier call.</param>
    /// <param name="values">The characters that stop the search.</param>
    /// <param name="fresh">Whether the stop was searched now (so a fact derived from it must be recomputed).</param>
    public int NextStop(ReadOnlySpan<char> text, int start, SearchValues<char> values, out bool fresh)
    {
        if (_stop == int.MaxValue)
        {
            fresh = false;
            return -1;
        }

        if (_stop > 0 && _stop - 1 >= start)
        {
            fresh = false;
            return _stop - 1;
        }

        fresh = true;
        var found = text[start..].IndexOfAny(values);
        _stop = found < 0 ? int.MaxValue : start + found + 1;
        return found < 0 ? -1 : start + found;
    }
}
