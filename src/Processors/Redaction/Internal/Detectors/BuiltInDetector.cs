using System.Buffers;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Base of the built-in detectors: they choose the replacement per match, so the public <see cref="TryFind"/> is
/// written in terms of <see cref="RedactionDetector.TryFindReplacement"/>.
/// </summary>
internal abstract class BuiltInDetector : RedactionDetector
{
    // SearchValues rather than IndexOfAnyInRange: the latter allocates until the JIT optimizes its generic path.
    protected static readonly SearchValues<char> Digits = SearchValues.Create("0123456789");

    protected static readonly SearchValues<char> UpperLetters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ");

    protected BuiltInDetector(string name)
        : base(name)
    {
    }

    public sealed override bool TryFind(ReadOnlySpan<char> text, int startAt, out int index, out int length) =>
        TryFindReplacement(text, startAt, out index, out length, out _);

    internal abstract override bool TryFindReplacement(
        ReadOnlySpan<char> text, int startAt, out int index, out int length, out string replacement);

    protected static bool IsAsciiAlnum(char c) => char.IsAsciiLetterOrDigit(c);

    protected static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    protected static bool IsAlreadyRedacted(ReadOnlySpan<char> value) =>
        value.StartsWith("[REDACTED", StringComparison.Ordinal) || value.StartsWith("REDACTED", StringComparison.Ordinal);

    protected static bool NotFound(out int index, out int length, out string replacement)
    {
        index = 0;
        length = 0;
        replacement = string.Empty;
        return false;
    }
}
