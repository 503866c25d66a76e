using System.Text;
using ErrorTelemetry.Redaction.Internal;

namespace ErrorTelemetry.Tests.Redaction;

// The pre-scan decides which detectors run: a detector whose anchors it did not report is skipped, so a missed
// anchor is a leaked secret. These tests hold every built-in detector against the pre-scan on texts where secrets,
// near-misses and non-ASCII look-alikes sit at every offset, including the edges of its blocks and of a text.
public class AnchorScanTests
{
    private static readonly string[] Pieces =
    [
        "Cookie: sid=abc123", "set-cookie:a=b", "COOKIE:", "cookie", ":", "e:", "password=hunter2", "secret: x", "<pwd>x",
        "--password x", "--", "-", "4111 1111 1111 1111", "4111111111111111", "123-45-6789", "(415) 555-2671",
        "020 7946 0958", "+14155552671", "+", "jane.doe@example.com", "a%40b.com", "%40", "%4", "@",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", "eyJ", "yJ", "Bearer abcdefgh12345678", "basic dXNlcjpwYXNz", "bea",
        "AKIAIOSFODNN7EXAMPLE", "ABCDEFGHIJKLMNOPQRST", "sk_live_abcdefghij1234", "ghp_", "AIza", "xoxb-123456789012",
        "GB82WEST12345698765432", "gb82 west 1234 5698 7654 32", "ab1", "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----",
        "https://bob:pa55@example.com", "?token=abc", "&key=Zq9", "=", ">", " ", "  ", "x", "order", "\u0130", "\u0140", "\u0430",
        "\uFF10", "\u0660", "\u00e9", "0", "12", "2024-05-17T10:15:30", "\t", "\n",
    ];

    public static TheoryData<int> Seeds => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Scan_DetectorMatchesText_ItsAnchorIsReported(int seed)
    {
        var random = new Random(seed);
        var detectors = CreateDetectors();
        for (var i = 0; i < 400; i++)
        {
            AssertAnchorsCover(detectors, RandomText(random, 200));
        }
    }

    [Theory]
    [InlineData("Cookie: sid=abc123")]
    [InlineData("jane.doe@example.com")]
    [InlineData("4111 1111 1111 1111")]
    [InlineData("123-45-6789")]
    [InlineData("(415) 555-2671")]
    [InlineData("password=hunter2")]
    [InlineData("AKIAIOSFODNN7EXAMPLE")]
    [InlineData("Bearer abcdefgh12345678")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln")]
    [InlineData("GB82WEST12345698765432")]
    [InlineData("sk_live_abcdefghij1234")]
    [InlineData("--password hunter2")]
    [InlineData("a%40b.com")]
    public void Scan_SecretAtEveryOffsetAndEveryLength_ItsAnchorIsReported(string secret)
    {
        // Values of every length from the secret's up to 140 characters, the secret at the start, the end and in
        // between: short values, exactly 32 and 33 characters, and the ends of the pre-scan's blocks.
        var detectors = CreateDetectors();
        for (var length = secret.Length; length <= 140; length++)
        {
            for (var offset = 0; offset + secret.Length <= length; offset++)
            {
                var text = new string(' ', offset) + secret + new string(' ', length - offset - secret.Length);
                AssertAnchorsCover(detectors, text);
            }
        }
    }

    [Fact]
    public void Scan_LastBlockReadMaskedOrCopied_SameAnchors()
    {
        // Hardware with masked loads reads the last block in place; other hardware copies it. Both must agree, so
        // that the tests above, run on either, speak for both.
        var random = new Random(42);
        for (var i = 0; i < 3000; i++)
        {
            var text = RandomText(random, 100);
            Assert.Equal(AnchorScan.Scan(text, maskedTail: false), AnchorScan.Scan(text, maskedTail: true));
        }
    }

    [Fact]
    public void Redact_CookieHeaderAtEveryOffset_ValuesRedacted()
    {
        // Without key_value, whose header rule would take the whole line: the cookie detector itself must run.
        var cookieOnly = TestRedactors.Create(o => o.DisabledDetectors.Add("key_value"));
        foreach (var header in (string[])["Cookie: sid=abc123", "set-cookie: sid=abc123; Path=/", "COOKIE:sid=abc123"])
        {
            for (var offset = 0; offset <= 70; offset++)
            {
                var text = new string('w', offset) + " " + header;

                var redacted = cookieOnly.Redact(text);

                Assert.DoesNotContain("abc123", redacted, StringComparison.Ordinal);
                Assert.Contains("sid=[REDACTED", redacted, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData("time 14:05 and zone EU-West")]
    [InlineData("coffee: black")]
    [InlineData("cookiejar: 3 jars")]
    public void Redact_ColonWithoutCookie_Unchanged(string text) =>
        Assert.Same(text, TestRedactors.Default.Redact(text));

    [Theory]
    [InlineData("at 14:05 today", false)]
    [InlineData("1:2", false)]
    [InlineData("ab1: x", false)]
    [InlineData(":05", true)]
    [InlineData("x 64: y", true)]
    [InlineData("token_b64: y", true)]
    [InlineData("time: 14:05", true)]
    [InlineData("\u0664: y", true)]
    public void Scan_ColonAfterDigit_ReportedOnlyAfter64OrForEveryColon(string text, bool reported)
    {
        foreach (var maskedTail in (bool[])[false, true])
        {
            Assert.Equal(reported, (AnchorScan.Scan(text, maskedTail, everyColon: false) & DetectorAnchors.Colon) != 0);
            Assert.NotEqual(DetectorAnchors.None, AnchorScan.Scan(text, maskedTail, everyColon: true) & DetectorAnchors.Colon);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("pin2")]
    [InlineData("code7")]
    public void Scan_KeyEndingInDigitAtEveryOffset_ColonReportedWhereKeyValueMatches(string? configured)
    {
        // The colon of a time is left out only while no configured key ends in a digit; a key that does (and the
        // built-in token_b64) must still wake key_value wherever its colon falls in the pre-scan's blocks.
        var classifier = new SensitiveKeyClassifier(configured is null ? null : [configured]);
        var keyValue = new KeyValueDetector(classifier);
        string[] pieces = ["14:05", " ", "token_b64: abc", "password.base64:def", "pin2: 1234", "code7:9x", "64:", "4:", "6", ":", "a", "x2: y"];
        var random = new Random(configured?.Length ?? 0);
        for (var i = 0; i < 3000; i++)
        {
            var builder = new StringBuilder(new string(' ', random.Next(0, 70)));
            for (var count = random.Next(1, 6); count > 0; count--)
            {
                builder.Append(pieces[random.Next(pieces.Length)]);
            }

            var text = builder.ToString();
            foreach (var maskedTail in (bool[])[false, true])
            {
                var anchors = AnchorScan.Scan(text, maskedTail, everyColon: !classifier.OnlyBase64KeysEndInDigit);
                if (keyValue.TryFind(text, 0, out var index, out var length))
                {
                    Assert.True(
                        (keyValue.Anchors & anchors) != 0,
                        $"key_value matches '{text.Substring(index, length)}' in '{text}', but the pre-scan (masked tail: {maskedTail}) reported only {anchors}.");
                }
            }
        }
    }

    [Theory]
    [InlineData(null, "token_b64: abc123 at 14:05")]
    [InlineData(null, "at 14:05 password.base64:abc123")]
    [InlineData("pin2", "at 14:05 pin2: abc123")]
    [InlineData("code7", "code7:abc123")]
    public void Redact_KeyEndingInDigitBeforeColon_ValueRedacted(string? configured, string text)
    {
        var redactor = TestRedactors.Create(o =>
        {
            if (configured is not null)
            {
                o.SensitiveKeys.Add(configured);
            }
        });

        var redacted = redactor.Redact(text);

        Assert.DoesNotContain("abc123", redacted, StringComparison.Ordinal);
        Assert.Contains("[REDACTED:", redacted, StringComparison.Ordinal);
    }

    // Pieces joined up to about maxLength characters, cut at random points so that their ends fall anywhere.
    private static string RandomText(Random random, int maxLength)
    {
        var builder = new StringBuilder();
        var target = random.Next(0, maxLength);
        while (builder.Length < target)
        {
            builder.Append(Pieces[random.Next(Pieces.Length)]);
        }

        var whole = builder.ToString();
        var from = random.Next(0, Math.Min(whole.Length, 40) + 1);
        return whole[from..Math.Max(from, whole.Length - random.Next(0, 8))];
    }

    private static BuiltInDetector[] CreateDetectors()
    {
        var classifier = new SensitiveKeyClassifier(null);
        return
        [
            new PrivateKeyDetector(), new UrlUserInfoDetector(), new UrlQueryDetector(classifier, null), new CookieDetector(),
            new KeyValueDetector(classifier), new JwtDetector(), new AuthHeaderDetector(), new AwsAccessKeyDetector(),
            new ApiKeyDetector(), new EmailDetector(), new IbanDetector(), new PaymentCardDetector(), new SsnDetector(),
            new PhoneDetector(), new NationalPhoneDetector(),
        ];
    }

    // Both ways of reading the last block (masked loads where the hardware has them, a copy elsewhere) are checked.
    private static void AssertAnchorsCover(BuiltInDetector[] detectors, string text)
    {
        foreach (var maskedTail in (bool[])[false, true])
        {
            var anchors = AnchorScan.Scan(text, maskedTail);
            foreach (var detector in detectors)
            {
                if (detector.TryFind(text, 0, out var index, out var length))
                {
                    Assert.True(
                        (detector.Anchors & anchors) != 0,
                        $"{detector.GetType().Name} matches '{text.Substring(index, length)}' at {index} in '{text}' (length {text.Length}), but the pre-scan (masked tail: {maskedTail}) reported only {anchors}.");
                }
            }
        }
    }
}
