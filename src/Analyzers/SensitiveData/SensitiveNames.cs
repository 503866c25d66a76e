namespace ErrorTelemetry.Analyzers.SensitiveData;

/// <summary>
/// Whether an identifier names personal data or a secret. The name is split into words (camelCase, PascalCase,
/// snake_case), so <c>userEmail</c> and <c>api_key</c> match while <c>discardCount</c> does not.
/// </summary>
internal static class SensitiveNames
{
    private static readonly HashSet<string> Words = new(StringComparer.Ordinal)
    {
        "email", "mail", "password", "passwd", "pwd", "passphrase", "secret", "token", "ssn", "card", "pan", "iban",
        "phone", "credential", "credentials", "cvv", "cvc", "apikey", "jwt", "cookie", "dob", "birthdate",
    };

    private static readonly (string First, string Second)[] Pairs =
        [("api", "key"), ("access", "key"), ("private", "key"), ("social", "security"), ("birth", "date"), ("date", "birth")];

    public static bool IsSensitive(string name)
    {
        var words = Split(name);
        for (var i = 0; i < words.Count; i++)
        {
            if (Words.Contains(words[i]))
            {
                return true;
            }

            for (var p = 0; p < Pairs.Length && i + 1 < words.Count; p++)
            {
                if (words[i] == Pairs[p].First && words[i + 1] == Pairs[p].Second)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static List<string> Split(string name)
    {
        var words = new List<string>();
        var start = 0;
        for (var i = 0; i <= name.Length; i++)
        {
            var boundary = i == name.Length
                || !char.IsLetterOrDigit(name[i])
                || (i > start && char.IsUpper(name[i]) && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))));
            if (!boundary)
            {
                continue;
            }

            if (i > start)
            {
                words.Add(name.Substring(start, i - start).ToLowerInvariant());
            }

            start = i < name.Length && !char.IsLetterOrDigit(name[i]) ? i + 1 : i;
        }

        return words;
    }
}
