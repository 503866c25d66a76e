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

    [Theory]
    [InlineData(1, "0123456789 -()ABCXYZ")]
    [InlineData(2, "0123456789 -")]
    [InlineData(3, "AKZ09 ab")]
    [InlineData(4, "abyJIzeE:_-bBaAsS%40@=>+ 19")]
    [InlineData(5, "a1 -(\u0130\u0140\u0430\uFF10\u0660\u00e9\u3a2d\u2d2d\uA03A\u0131\u017F")]
    public void Scan_RandomTextUpTo140Characters_ReportsEveryAnchorOfTheDefinition(int seed, string alphabet)
    {
        // The pre-scan against a character-by-character reading of each anchor's definition (DetectorAnchors), on
        // texts of up to 140 characters where stretches of the alphabet (runs, pairs, rare characters) alternate with
        // prose that has none, so that they start and end anywhere in the blocks; it may report more (approximated
        // letters), never less, and its two ways agree.
        const string Prose = "the quick fox, jumped.";
        var random = new Random(seed);
        var builder = new StringBuilder();
        for (var i = 0; i < 4000; i++)
        {
            builder.Clear();
            var length = random.Next(0, 141);
            while (builder.Length < length)
            {
                var (chars, most) = random.Next(2) == 0 ? (alphabet, 25) : (Prose, 40);
                for (var count = random.Next(0, most + 1); count > 0; count--)
                {
                    builder.Append(chars[random.Next(chars.Length)]);
                }
            }

            var text = builder.ToString(0, length);
            var expected = DefinedAnchors(text);
            var native = AnchorScan.Scan(text, maskedTail: true, everyColon: false);

            Assert.True((expected & ~native) == 0, $"'{text}': expected {expected}, the pre-scan reported {native}.");
            Assert.Equal(native, AnchorScan.Scan(text, maskedTail: false, everyColon: false));
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Scan_WideAndNarrowBlocks_SameAnchorsAsTheDefinition(int seed)
    {
        // AVX-512 hardware reads a value of 66 characters or more 64 characters a step (runs that cross the middle or
        // the end of a step, rare characters in either half, a last step read masked), AVX2 hardware 32 at a time and
        // other hardware with portable code: on texts of up to 300 characters all three agree, and cover the definition.
        var random = new Random(seed);
        for (var i = 0; i < 1500; i++)
        {
            var text = RandomText(random, 300);
            var native = AnchorScan.Scan(text, maskedTail: true, everyColon: false);

            Assert.Equal(DetectorAnchors.None, DefinedAnchors(text) & ~native);
            Assert.Equal(native, AnchorScan.ScanNarrow(text, everyColon: false));
            Assert.Equal(native, AnchorScan.Scan(text, maskedTail: false, everyColon: false));
            Assert.Equal(AnchorScan.Scan(text, maskedTail: true, everyColon: true), AnchorScan.ScanNarrow(text, everyColon: true));
        }
    }

    [Fact]
    public void Scan_RunCarriedAcrossWideSteps_Reported()
    {
        // A card number, an SSN with its dash, a phone number and an AWS key id ending at, straddling and starting
        // at every offset around the 64-character steps and their halves.
        foreach (var secret in (string[])["4111 1111 1111 1111", "123-45-6789", "(415) 555-2671", "AKIAIOSFODNN7EXAMPLE"])
        {
            for (var offset = 0; offset <= 140; offset++)
            {
                var text = new string('w', offset) + secret + new string('w', 70);
                var anchors = AnchorScan.Scan(text, maskedTail: true, everyColon: false);

                Assert.Equal(DetectorAnchors.None, DefinedAnchors(text) & ~anchors);
                Assert.Equal(anchors, AnchorScan.ScanNarrow(text, everyColon: false));
            }
        }
    }

    // Each anchor as DetectorAnchors defines it, read one character at a time.
    private static DetectorAnchors DefinedAnchors(string text)
    {
        var anchors = DetectorAnchors.None;
        int digitRun = 0, phoneRun = 0, keyRun = 0, longestDigitRun = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            var after = i + 2 < text.Length ? text[i + 2] : '\0';
            anchors |= c switch
            {
                '@' => DetectorAnchors.At,
                '=' => DetectorAnchors.EqualsSign,
                '>' => DetectorAnchors.Greater,
                '+' => DetectorAnchors.Plus,
                ':' when i == 0 || !char.IsAsciiDigit(text[i - 1]) || (text[i - 1] == '4' && i > 1 && text[i - 2] == '6') => DetectorAnchors.Colon,
                '%' when next == '4' && after == '0' => DetectorAnchors.EncodedAt,
                _ => DetectorAnchors.None,
            };
            anchors |= c == '-' && next == '-' ? DetectorAnchors.DoubleDash : 0;
            anchors |= char.IsAsciiLetter(c) && char.IsAsciiLetter(next) && char.IsAsciiDigit(after) ? DetectorAnchors.IbanStart : 0;
            anchors |= c == 'y' && next == 'J' ? DetectorAnchors.JwtStart : 0;
            anchors |= c is 'b' or 'B' && next is 'e' or 'E' or 'a' or 'A' && after is 'a' or 'A' or 's' or 'S' ? DetectorAnchors.AuthScheme : 0;
            anchors |= (char.IsAsciiLetterLower(c) && next is '_' or '-') || (c == 'I' && next == 'z') ? DetectorAnchors.ApiKeyPrefix : 0;
            anchors |= c is 'e' or 'E' && next == ':' ? DetectorAnchors.CookieHeader : 0;

            var inDigitRun = char.IsAsciiDigit(c) || (c is ' ' or '-' && char.IsAsciiDigit(next));
            digitRun = inDigitRun ? digitRun + 1 : 0;
            phoneRun = inDigitRun || c is '(' or ')' || (c is ' ' or '-' && next == '(') ? phoneRun + 1 : 0;
            keyRun = char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) ? keyRun + 1 : 0;
            longestDigitRun = Math.Max(longestDigitRun, digitRun);
            anchors |= digitRun >= 13 ? DetectorAnchors.DigitRun13 : 0;
            anchors |= phoneRun >= 11 ? DetectorAnchors.PhoneShape : 0;
            anchors |= keyRun >= 20 ? DetectorAnchors.AwsPrefix : 0;
        }

        return anchors | (longestDigitRun >= 11 && text.Contains('-', StringComparison.Ordinal) ? DetectorAnchors.SsnShape : 0);
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
