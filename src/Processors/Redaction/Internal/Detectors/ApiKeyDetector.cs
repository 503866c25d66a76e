using System.Buffers;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Provider API keys recognisable by their prefix: Stripe (<c>sk_live_</c>, <c>sk_test_</c>, <c>rk_live_</c>,
/// <c>rk_test_</c>), GitHub (<c>ghp_</c>, <c>gho_</c>, <c>ghu_</c>, <c>ghs_</c>, <c>ghr_</c>, <c>github_pat_</c>),
/// Slack (<c>xoxb-</c>, <c>xoxp-</c>, <c>xoxa-</c>, <c>xoxo-</c>, <c>xoxr-</c>, <c>xoxs-</c>), Google
/// (<c>AIza</c>), GitLab (<c>glpat-</c>), npm (<c>npm_</c>) and OpenAI/Anthropic style (<c>sk-</c>). Each needs a
/// minimum body length so ordinary words with those prefixes are left alone; an <c>sk-</c> key also needs a run of
/// 16 letters or digits, so dashed words such as <c>sk-winter-jacket-blue-xl-2024</c> are not keys.
/// </summary>
internal sealed class ApiKeyDetector : BuiltInDetector
{
    private static readonly Family[] Families =
    [
        new("github_pat_", BodyChars.AlnumUnderscore, 22),
        new("sk_live_", BodyChars.Alnum, 10),
        new("sk_test_", BodyChars.Alnum, 10),
        new("rk_live_", BodyChars.Alnum, 10),
        new("rk_test_", BodyChars.Alnum, 10),
        new("glpat-", BodyChars.AlnumDashUnderscore, 20),
        new("xoxb-", BodyChars.AlnumDash, 10),
        new("xoxp-", BodyChars.AlnumDash, 10),
        new("xoxa-", BodyChars.AlnumDash, 10),
        new("xoxo-", BodyChars.AlnumDash, 10),
        new("xoxr-", BodyChars.AlnumDash, 10),
        new("xoxs-", BodyChars.AlnumDash, 10),
        new("ghp_", BodyChars.Alnum, 30),
        new("gho_", BodyChars.Alnum, 30),
        new("ghu_", BodyChars.Alnum, 30),
        new("ghs_", BodyChars.Alnum, 30),
        new("ghr_", BodyChars.Alnum, 30),
        new("npm_", BodyChars.Alnum, 30),
        new("AIza", BodyChars.AlnumDashUnderscore, 30),
        // sk- keys carry a long random run ("sk-proj-<48 characters>"); words joined by dashes are a product SKU or
        // a slug ("sk-winter-jacket-blue-xl-2024").
        new("sk-", BodyChars.AlnumDashUnderscore, 20, MinimumRun: 16),
    ];

    internal static readonly string[] KeyPrefixes = CreatePrefixes();

    private static readonly SearchValues<string> Prefixes = SearchValues.Create(KeyPrefixes, StringComparison.Ordinal);

    public ApiKeyDetector()
        : base("api_key", DetectorAnchors.ApiKeyPrefix)
    {
    }

    private enum BodyChars
    {
        Alnum,
        AlnumUnderscore,
        AlnumDash,
        AlnumDashUnderscore,
    }

    public override bool CanMatch(ReadOnlySpan<char> text) => text.IndexOfAny(Prefixes) >= 0;

    protected override int FindAnchor(ReadOnlySpan<char> text) => text.IndexOfAny(Prefixes);

    protected override bool TryMatchAt(ReadOnlySpan<char> text, int start, ref ScanCursor cursor, out DetectorMatch match)
    {
        if (start > 0 && (char.IsAsciiLetterOrDigit(text[start - 1]) || text[start - 1] is '_' or '-'))
        {
            return Miss(out match);
        }

        foreach (var family in Families)
        {
            if (!text[start..].StartsWith(family.Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            // A prefix found inside this body is glued to a body character and rejected at once.
            var bodyStart = start + family.Prefix.Length;
            var end = bodyStart;
            var run = 0;
            var longestRun = 0;
            while (end < text.Length && IsBodyChar(text[end], family.Chars))
            {
                run = char.IsAsciiLetterOrDigit(text[end]) ? run + 1 : 0;
                longestRun = Math.Max(longestRun, run);
                end++;
            }

            return end - bodyStart >= family.MinimumLength && longestRun >= family.MinimumRun
                ? Hit(start, end - start, out match)
                : Miss(out match);
        }

        return Miss(out match);
    }

    private static bool IsBodyChar(char c, BodyChars chars) => char.IsAsciiLetterOrDigit(c) || chars switch
    {
        BodyChars.AlnumUnderscore => c == '_',
        BodyChars.AlnumDash => c == '-',
        BodyChars.AlnumDashUnderscore => c is '-' or '_',
        _ => false,
    };

    private static string[] CreatePrefixes()
    {
        var prefixes = new string[Families.Length];
        for (var i = 0; i < Families.Length; i++)
        {
            prefixes[i] = Families[i].Prefix;
        }

        return prefixes;
    }

    // MinimumRun: the body's longest run of letters and digits (between dashes or underscores) must be that long.
    private readonly record struct Family(string Prefix, BodyChars Chars, int MinimumLength, int MinimumRun = 0);
}
