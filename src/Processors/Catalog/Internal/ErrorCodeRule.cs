namespace ErrorTelemetry.Catalog.Internal;

/// <summary>
/// The code rule (the one Google's AIP-193 uses for error reasons): UPPER_SNAKE_CASE, 3 to 63 characters,
/// starting with a letter.
/// </summary>
internal static class ErrorCodeRule
{
    public const string Description = "codes are UPPER_SNAKE_CASE (A-Z, 0-9 and '_'), 3 to 63 characters long, and start with a letter";

    public const int MinLength = 3;

    public const int MaxLength = 63;

    /// <summary>Returns null when the code is valid, otherwise what is wrong with it.</summary>
    public static string? Check(string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return "the code is empty; " + Description;
        }

        // Characters before the first letter: "db_timeout" is far more often a casing slip than a naming choice,
        // and "it contains 'd'" points straight at it.
        foreach (var c in code)
        {
            if (!IsCodeChar(c))
            {
                return $"it contains '{c}'; " + Description;
            }
        }

        if (code[0] is < 'A' or > 'Z')
        {
            return "it does not start with a letter; " + Description;
        }

        if (code.Length is < MinLength or > MaxLength)
        {
            return $"it is {code.Length} characters long; " + Description;
        }

        return null;
    }

    /// <summary>Whether a code is valid, without allocating.</summary>
    public static bool IsValid(ReadOnlySpan<char> code)
    {
        if (code.Length is < MinLength or > MaxLength || code[0] is < 'A' or > 'Z')
        {
            return false;
        }

        foreach (var c in code)
        {
            if (!IsCodeChar(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsCodeChar(char c) => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_';
}
