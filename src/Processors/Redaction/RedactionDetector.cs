namespace ErrorTelemetry;

/// <summary>
/// A value detector for the redaction engine: finds sensitive parts of a text, which the engine replaces with
/// <c>[REDACTED:&lt;<see cref="Name"/>&gt;]</c>. Add instances to <see cref="RedactionOptions.Detectors"/>.
/// </summary>
/// <remarks>
/// Implementations must be thread-safe and should not allocate: they run on every scanned value of every span and
/// log record. <see cref="CanMatch"/> is called first and must be cheap (a vectorized <c>IndexOf</c>, not a regular
/// expression); <see cref="TryFind"/> runs only when it returns <see langword="true"/>. An exception thrown by a
/// detector makes the engine replace the whole value with <c>[REDACTED:error]</c>.
/// </remarks>
public abstract class RedactionDetector
{
    /// <summary>Initializes a new instance of the <see cref="RedactionDetector"/> class.</summary>
    /// <param name="name">The name shown in the replacement: letters, digits, <c>_</c>, <c>-</c> and <c>.</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or has other characters.</exception>
    protected RedactionDetector(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!IsValidName(name))
        {
            throw new ArgumentException(
                $"Detector name '{name}' may only contain letters, digits, '_', '-' and '.'.", nameof(name));
        }

        Name = name;
        Replacement = "[REDACTED:" + name + "]";
    }

    /// <summary>Gets the name of the detector, shown in the replacement <c>[REDACTED:&lt;name&gt;]</c>.</summary>
    public string Name { get; }

    internal string Replacement { get; }

    /// <summary>
    /// Returns whether <paramref name="text"/> could contain a match, cheaply. Return <see langword="true"/> when
    /// unsure; never return <see langword="false"/> for a text <see cref="TryFind"/> would match.
    /// </summary>
    /// <param name="text">The whole text being scanned.</param>
    /// <returns><see langword="false"/> when <see cref="TryFind"/> cannot find anything.</returns>
    public abstract bool CanMatch(ReadOnlySpan<char> text);

    /// <summary>Finds the next sensitive range that starts at or after <paramref name="startAt"/>.</summary>
    /// <param name="text">The whole text being scanned (context before <paramref name="startAt"/> may be read).</param>
    /// <param name="startAt">The first index a match may start at.</param>
    /// <param name="index">The start of the range to replace.</param>
    /// <param name="length">The length of the range to replace; at least 1.</param>
    /// <returns><see langword="true"/> when a range was found.</returns>
    public abstract bool TryFind(ReadOnlySpan<char> text, int startAt, out int index, out int length);

    // Built-in detectors replace with a text that depends on the match (the key's kind, "[REDACTED]" for query
    // values); user detectors always get "[REDACTED:<name>]".
    internal virtual bool TryFindReplacement(
        ReadOnlySpan<char> text, int startAt, out int index, out int length, out string replacement)
    {
        replacement = Replacement;
        return TryFind(text, startAt, out index, out length);
    }

    internal static bool IsValidName(string name)
    {
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '-' && c != '.')
            {
                return false;
            }
        }

        return name.Length > 0;
    }
}
