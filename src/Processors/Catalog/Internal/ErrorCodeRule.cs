namespace ErrorTelemetry.Catalog.Internal;

/// <summary>
/// The code rule (the one Google's AIP-193 uses for error reasons): UPPER_SNAKE_CASE, 3 to 63 characters,
/// starting with a letter.
/// </summary>
internal static class ErrorCodeRule
{
    public const string Description = "codes are UPPER_SNAKE_CASE (A-Z, 0-9 and '_'), 3 to 63 characters long, and start with a letter";

    /// <summary>Returns null when the code is valid, otherwise what is wrong with it.</summary>
    public static string? Check(string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return "the code is empty; " + Description;
        }

        if (code.Length is < 3 or > 63)
        {
            return $"it is {code.Length} characters long; " + Description;
        }

        if (code[0] is < 'A' or > 'Z')
        {
            return "it does not start with an upper-case letter; " + Description;
        }

        foreach (var c in code)
        {
            if (c is not ((>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_'))
            {
                return $"it contains '{c}'; " + Description;
            }
        }

        return null;
    }
}
