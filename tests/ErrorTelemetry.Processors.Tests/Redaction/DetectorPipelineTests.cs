using System.Globalization;
using System.Text;
using ErrorTelemetry.Redaction.Internal;

namespace ErrorTelemetry.Tests.Redaction;

public class DetectorPipelineTests
{
    // The same characters are redacted as one text of Pieces * PieceSize characters and as Pieces texts of PieceSize:
    // linear detectors do the same work either way, a detector that re-reads the rest of the text for every anchor
    // does many times as much on the one text (measured: linear 0.7-1.3 times at a load of 27; a look-up repeated for
    // every anchor 15-42 times). The bound sits far from both.
    private const int PieceSize = 4 * 1024;
    private const int Pieces = 256;
    private const double MaximumExcess = 4;

    // Nothing is truncated, so the detectors see the whole adversarial text; nothing is remembered as clean, so
    // every repetition is scanned.
    private static readonly Redactor Unbounded = new(new RedactionOptions { MaxValueLength = 16 * 1024 * 1024 }, rememberCleanValues: false);

    // Shapes that made a detector re-read the rest of the text for every anchor, and one per other detector.
    public static TheoryData<string, string, string> AdversarialShapes => new()
    {
        { "password=x ", string.Empty, string.Empty },
        { "&token=abc", string.Empty, string.Empty },
        { "\"password\":\"x\",", string.Empty, string.Empty },
        { "--password x ", string.Empty, string.Empty },
        { "password=[REDACTED:password] ", string.Empty, string.Empty },
        { "password=\"[REDACTED ", string.Empty, string.Empty },
        { "?token=[REDACTED", string.Empty, string.Empty },
        { "password=x ", string.Empty, ";Server=db" },
        { "password=x ;a ", string.Empty, string.Empty },
        { "http://u:", string.Empty, "@" },
        { "http://", string.Empty, "u@" },
        { "-----BEGIN CERTIFICATE-----", string.Empty, string.Empty },
        { "-----BEGIN RSA PRIVATE KEY----- ", string.Empty, string.Empty },
        { "a.b@c.", string.Empty, string.Empty },
        { "a@", string.Empty, "b.com" },
        { "a%40", string.Empty, "b.com" },
        { "%40", string.Empty, string.Empty },
        { "4111 ", string.Empty, string.Empty },
        { "4", string.Empty, string.Empty },
        { "GB82", string.Empty, string.Empty },
        { "gb82 ", string.Empty, string.Empty },
        { "gb82west1234", string.Empty, string.Empty },
        { "123-45-", string.Empty, string.Empty },
        { "+1 ", string.Empty, string.Empty },
        { "12 ", string.Empty, string.Empty },
        { "(415) 555-", string.Empty, string.Empty },
        { "(1", string.Empty, string.Empty },
        { ".eyJhbGciOiJI.", string.Empty, string.Empty },
        { "eyJ", string.Empty, string.Empty },
        { "Bearer ", string.Empty, string.Empty },
        { "basic ", "basic ", string.Empty },
        { "AKIA", string.Empty, string.Empty },
        { "sk-", string.Empty, string.Empty },
        { "ghp_a", string.Empty, string.Empty },
        { "<password>", string.Empty, string.Empty },
        { "Authorization: ", string.Empty, string.Empty },
        { "Cookie: ", string.Empty, string.Empty },
        { "a=b;", "Cookie: ", string.Empty },
        { "Set-Cookie: a=b; ", string.Empty, string.Empty },
        { "a=[REDACTED(cookie:", "Cookie: ", string.Empty },
        { "Pwd={", string.Empty, string.Empty },

        // The checks that keep false positives out read a bounded context.
        { "order 4532015112830366 ", string.Empty, string.Empty },
        { "order ", string.Empty, "4532015112830366" },
        { "?key=cart-items", string.Empty, string.Empty },
        { "?key=ab-", string.Empty, string.Empty },
        { "?code=AB", string.Empty, string.Empty },
        { "session: 3 of ", string.Empty, string.Empty },
        { "session: 1", string.Empty, string.Empty },
        { "git@github.com:", string.Empty, string.Empty },
        { "sk-ab-", string.Empty, string.Empty },
        { "PO61189208659950 ", string.Empty, string.Empty },
    };

    [Theory]
    [MemberData(nameof(AdversarialShapes))]
    public void Redact_AdversarialShapeRepeated_WorkGrowsLinearly(string unit, string prefix, string suffix)
    {
        // Each piece is its own copy, so the pieces are read from memory as the one text is, not from a warm cache.
        var piece = Repeat(prefix, unit, suffix, PieceSize);
        var pieces = new string[Pieces];
        for (var i = 0; i < pieces.Length; i++)
        {
            pieces[i] = new string(piece);
        }

        var whole = Repeat(prefix, unit, suffix, PieceSize * Pieces);
        _ = Unbounded.Redact(piece);

        // Both sides are the same amount of work, measured as this thread's processor time, which waiting for a core
        // on a loaded machine does not stretch; a quadratic scan exceeds the bound in every round.
        var excess = double.MaxValue;
        for (var round = 0; round < 3 && excess > MaximumExcess; round++)
        {
            var inPieces = ThreadCpuTime.Of(() =>
            {
                foreach (var text in pieces)
                {
                    _ = Unbounded.Redact(text);
                }
            });
            var inOne = ThreadCpuTime.Of(() => Unbounded.Redact(whole));
            excess = Math.Min(excess, inOne.Ticks / (double)Math.Max(inPieces.Ticks, 1));
        }

        Assert.True(
            excess <= MaximumExcess,
            $"Redacting '{unit}' repeated to {PieceSize * Pieces} characters cost {excess:F1} times as much as redacting {Pieces} texts of {PieceSize} (at most {MaximumExcess}).");
    }

    [Fact]
    public void Redact_ValueLongerThanLimit_TruncatedWithMarker()
    {
        var redactor = TestRedactors.Create(o => o.MaxValueLength = 2048);
        var value = "mail jane.doe@example.com " + new string('x', 5000);

        var redacted = redactor.Redact(value);

        var removed = value.Length - 2048;
        Assert.Equal(
            "mail [REDACTED:email] " + new string('x', 2048 - 26) + " [TRUNCATED: " + removed.ToString(CultureInfo.InvariantCulture) + " characters]",
            redacted);
    }

    [Fact]
    public void Redact_ValueAtLimit_Unchanged()
    {
        var redactor = TestRedactors.Create(o => o.MaxValueLength = 2048);
        var value = new string('x', 2048);

        Assert.Same(value, redactor.Redact(value));
    }

    [Fact]
    public void RedactAttribute_ValueLongerThanDefaultLimit_Truncated()
    {
        var value = new string('y', 40_000);

        var redacted = Assert.IsType<string>(TestRedactors.Default.RedactAttribute("app.body", value, out _));

        Assert.Equal(new string('y', 32 * 1024) + " [TRUNCATED: 7232 characters]", redacted);
    }

    [Fact]
    public void Redact_TruncationNeverSplitsSurrogatePair()
    {
        var redactor = TestRedactors.Create(o => o.MaxValueLength = 1024);
        var value = new string('a', 1023) + "\U0001F600" + new string('b', 100);

        var redacted = redactor.Redact(value);

        Assert.StartsWith(new string('a', 1023) + " [TRUNCATED: 102 characters]", redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_HostileValueBeyondLimit_DetectorsAreGivenOnlyTheLimit()
    {
        // What bounds one value's cost: it is cut to MaxValueLength (default 32 KiB) before any detector runs, so a
        // 4 MiB value gives every detector what a 1 MiB one does. A code detector, run after the built-in ones on the
        // text they produced, records what it is given. "a@" repeated is left as it is by every built-in detector.
        var oneMiB = Repeat(string.Empty, "a@", string.Empty, 1024 * 1024);
        var fourMiB = Repeat(string.Empty, "a@", string.Empty, 4 * 1024 * 1024);
        var recording = new RecordingDetector();
        var redactor = TestRedactors.Create(o => o.Detectors.Add(recording));

        var fromOne = redactor.Redact(oneMiB);
        var fromFour = redactor.Redact(fourMiB);

        var cut = oneMiB[..(32 * 1024)];
        Assert.Equal(cut + " [TRUNCATED: " + (oneMiB.Length - cut.Length).ToString(CultureInfo.InvariantCulture) + " characters]", fromOne);
        Assert.Equal(cut + " [TRUNCATED: " + (fourMiB.Length - cut.Length).ToString(CultureInfo.InvariantCulture) + " characters]", fromFour);
        Assert.Equal([fromOne, fromFour], recording.Given);
    }

    // Secrets placed at every offset across the pre-scan's 32-character blocks and at the end of a text: none may
    // be missed because its anchors straddle two blocks or sit in the last, partial one.
    public static TheoryData<string, string> SecretsAtEveryOffset => new()
    {
        { "4111 1111 1111 1111", "1111 1111" },
        { "4111111111111111", "4111111111111111" },
        { "123-45-6789", "123-45-6789" },
        { "GB82WEST12345698765432", "GB82WEST12345698765432" },
        { "jane.doe@example.com", "jane.doe" },
        { "--password hunter2", "hunter2" },
        { "password=hunter2", "hunter2" },
        { "secret: hunter2", "hunter2" },
        { "<password>hunter2</password>", "hunter2" },
        { "+14155552671", "4155552671" },
        { "AKIAIOSFODNN7EXAMPLE", "IOSFODNN7EXAMPLE" },
        { "Bearer abcdefgh12345678", "abcdefgh12345678" },
        { "https://bob:pa55@example.com", "pa55" },
        { "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----", "MIIE" },
    };

    [Theory]
    [MemberData(nameof(SecretsAtEveryOffset))]
    public void Redact_SecretAtAnyOffset_Redacted(string secret, string leak)
    {
        for (var offset = 0; offset <= 70; offset++)
        {
            foreach (var after in (string[])[string.Empty, " end", " " + new string('z', 40)])
            {
                var text = new string('w', offset) + " " + secret + after;

                var redacted = TestRedactors.Default.Redact(text);

                Assert.DoesNotContain(leak, redacted, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Redact_SecretInTheSlotOfACachedCleanValue_StillRedacted()
    {
        // Same length and the same characters where the clean-value cache picks a slot (start, end, middle, quarter):
        // the secret lands in the clean value's slot and must still be scanned.
        var redactor = TestRedactors.Create(static _ => { });
        const string Clean = "mail jane.doe example.com now";
        const string Secret = "mail jane.doe@example.com now";
        Assert.Equal(RecentStrings.Slot(Clean, CleanValueCache.SlotCount - 1), RecentStrings.Slot(Secret, CleanValueCache.SlotCount - 1));

        Assert.Same(Clean, redactor.Redact(Clean));
        Assert.Same(Clean, redactor.Redact(Clean));

        Assert.Equal("mail [REDACTED:email] now", redactor.Redact(Secret));
    }

    [Fact]
    public void Redact_SecretAfterALongCleanValueOfTheSameLength_StillRedacted()
    {
        // Past the slots' length, the last clean value is remembered as that instance only.
        var redactor = TestRedactors.Create(static _ => { });
        var padding = new string('x', CleanValueCache.MaxValueLength);
        var clean = "mail jane.doe example.com now " + padding;
        var secret = "mail jane.doe@example.com now " + padding;

        Assert.Same(clean, redactor.Redact(clean));
        Assert.Same(clean, redactor.Redact(clean));

        Assert.Equal("mail [REDACTED:email] now " + padding, redactor.Redact(secret));
        Assert.Equal("mail [REDACTED:email] now " + padding, redactor.Redact(secret));
    }

    [Fact]
    public void Redact_ManyCleanValuesSeen_EverySecretStillRedacted()
    {
        var redactor = TestRedactors.Create(static _ => { });
        for (var i = 0; i < 4 * CleanValueCache.SlotCount; i++)
        {
            var clean = "order " + i.ToString(CultureInfo.InvariantCulture) + " shipped";
            Assert.Same(clean, redactor.Redact(clean));
        }

        for (var i = 0; i < 100; i++)
        {
            var secret = "order " + i.ToString(CultureInfo.InvariantCulture) + " for a" + i.ToString(CultureInfo.InvariantCulture) + "@example.com";
            Assert.Equal("order " + i.ToString(CultureInfo.InvariantCulture) + " for [REDACTED:email]", redactor.Redact(secret));
        }
    }

    [Fact]
    public void Redact_CleanValueAgainWithCodeDetector_ScannedEveryTime()
    {
        // A detector written in code may depend on more than the text, so nothing it saw is taken as clean for later.
        var counting = new CountingDetector();
        var redactor = TestRedactors.Create(o => o.Detectors.Add(counting));

        redactor.Redact("nothing to see here");
        redactor.Redact("nothing to see here");

        Assert.Equal(2, counting.Calls);
    }

    private sealed class CountingDetector() : RedactionDetector("counting")
    {
        public int Calls { get; private set; }

        public override bool CanMatch(ReadOnlySpan<char> text)
        {
            Calls++;
            return false;
        }

        public override bool TryFind(ReadOnlySpan<char> text, int startAt, out int index, out int length)
        {
            index = length = 0;
            return false;
        }
    }

    private sealed class RecordingDetector() : RedactionDetector("recording")
    {
        public List<string> Given { get; } = [];

        public override bool CanMatch(ReadOnlySpan<char> text)
        {
            Given.Add(text.ToString());
            return false;
        }

        public override bool TryFind(ReadOnlySpan<char> text, int startAt, out int index, out int length)
        {
            index = length = 0;
            return false;
        }
    }

    private static string Repeat(string prefix, string unit, string suffix, int size)
    {
        var builder = new StringBuilder(size + prefix.Length + suffix.Length + unit.Length);
        builder.Append(prefix);
        while (builder.Length < size)
        {
            builder.Append(unit);
        }

        return builder.Append(suffix).ToString();
    }
}
