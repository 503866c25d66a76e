namespace ErrorTelemetry.Redaction.Internal;

/// <summary>A range a detector found in a text, and what replaces it.</summary>
/// <param name="Index">The start of the range.</param>
/// <param name="Length">The length of the range; at least 1.</param>
/// <param name="Replacement">The text written in place of the range.</param>
internal readonly record struct DetectorMatch(int Index, int Length, string Replacement)
{
    /// <summary>Gets the index just after the range.</summary>
    public int End => Index + Length;
}
