using BenchmarkDotNet.Attributes;
using ErrorTelemetry.Benchmarks.Support;
using ErrorTelemetry.Redaction.Internal;

namespace ErrorTelemetry.Benchmarks;

/// <summary>
/// <see cref="Redactor.Redact(string)"/> on a 200-character value and a short one, with the default options the host uses. There is
/// no bare-SDK counterpart: the numbers that matter are the absolute time and bytes (target for a value with
/// nothing to redact: under 50 ns, zero allocations). The redactor the host uses remembers values it found clean,
/// so a value seen before costs a comparison (the <c>…Repeated</c> cases); every other case uses a redactor that
/// does not remember, so it measures what a value costs the first time it is seen.
/// </summary>
[MemoryDiagnoser]
public class RedactionBenchmarks
{
    // Realistic log text: digits, a time, a decimal amount and punctuation, so the detectors' pre-scans have
    // something to look at; nothing in it is sensitive.
    private const string CleanText =
        "Order 48213 was packed at warehouse AMS-2 and handed to the carrier at 14:05. The customer asked for "
        + "delivery to the back door and a call before arrival. Total 3 items, weight 2.4 kg, zone EU-West now";

    private const string EmailText =
        "Order 48213 was packed at warehouse AMS-2 and handed to the carrier at 14:05. Shipping notice sent to "
        + "jane.doe@example.com as requested. Total 3 items, weight 2.4 kg, shipping zone EU-West, on time ok";

    private const string CardText =
        "Order 48213 was packed at warehouse AMS-2 and handed to the carrier at 14:05. Paid in full with card "
        + "4111 1111 1111 1111 on file. Total 3 items, weight 2.4 kg, shipping zone EU-West, delivery on time.";

    // A short value of the kind most attributes hold (a route, a status text, an id).
    private const string ShortCleanText = "Order 48213 sent";

    private Redactor _redactor = null!;
    private Redactor _remembering = null!;

    [GlobalSetup]
    public void Setup()
    {
        _redactor = new Redactor(new RedactionOptions(), rememberCleanValues: false);
        _remembering = BenchmarkHooks.CreateRedactor();

        // A benchmark of the wrong input measures nothing: check the inputs do what their names say.
        Expect(CleanText.Length == 200 && ReferenceEquals(_redactor.Redact(CleanText), CleanText), nameof(CleanText), "is 200 characters and left alone");
        Expect(ShortCleanText.Length == 16 && ReferenceEquals(_redactor.Redact(ShortCleanText), ShortCleanText), nameof(ShortCleanText), "is 16 characters and left alone");
        Expect(EmailText.Length == 200 && _redactor.Redact(EmailText).Contains("[REDACTED:email]", StringComparison.Ordinal), nameof(EmailText), "is 200 characters and has its e-mail redacted");
        Expect(ReferenceEquals(_remembering.Redact(CleanText), CleanText) && ReferenceEquals(_remembering.Redact(ShortCleanText), ShortCleanText), "the clean texts", "the host's redactor leaves alone");
        Expect(CardText.Length == 200 && _redactor.Redact(CardText).Contains("[REDACTED:card]", StringComparison.Ordinal), nameof(CardText), "is 200 characters and has its card number redacted");
    }

    [Benchmark]
    public string NothingToRedact() => _redactor.Redact(CleanText);

    [Benchmark]
    public string NothingToRedactShort() => _redactor.Redact(ShortCleanText);

    [Benchmark]
    public string NothingToRedactRepeated() => _remembering.Redact(CleanText);

    [Benchmark]
    public string NothingToRedactShortRepeated() => _remembering.Redact(ShortCleanText);

    // The one vectorized pass every scanned value gets, alone: what remains of NothingToRedact is the redactor's
    // entry and any detector an anchor in the clean text let through (none: its one colon is a time's, 14:05).
    [Benchmark]
    public int PreScanOnly() => (int)AnchorScan.Scan(CleanText);

    [Benchmark]
    public string OneEmail() => _redactor.Redact(EmailText);

    [Benchmark]
    public string CardNumber() => _redactor.Redact(CardText);

    private static void Expect(bool condition, string input, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"Benchmark input {input} must be one that {what}.");
        }
    }
}
