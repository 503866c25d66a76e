using ErrorTelemetry.Redaction.Internal;

namespace ErrorTelemetry.Tests.Redaction;

// Driven through the default engine, so ordering between detectors is part of what is tested. Every case
// states the whole expected output: the secret is gone and the context survives.
public class PaymentCardDetectorTests
{
    [Theory]
    [InlineData("Card 4111 1111 1111 1111 declined", "Card [REDACTED:card] declined")]
    [InlineData("4111-1111-1111-1111", "[REDACTED:card]")]
    [InlineData("pan 4111111111111111;", "pan [REDACTED:card];")]
    [InlineData("amex 378282246310005.", "amex [REDACTED:card].")]
    [InlineData("mc 5555555555554444 and 2221000000000009", "mc [REDACTED:card] and [REDACTED:card]")]
    [InlineData("discover=6011111111111117", "discover=[REDACTED:card]")]
    [InlineData("jcb 3530111333300000", "jcb [REDACTED:card]")]
    [InlineData("{\"card\":\"4012 8888 8888 1881\"}", "{\"card\":\"[REDACTED:card]\"}")]
    [InlineData("cards 4111 1111 1111 1111 2024", "cards [REDACTED:card] 2024")]
    [InlineData("card number 4532015112830366", "card number [REDACTED:card]")] // "number" alone is not an order
    [InlineData("Card no. 4532015112830366", "Card no. [REDACTED:card]")]
    [InlineData("paid 4532015112830366", "paid [REDACTED:card]")]
    [InlineData("4532015112830366 order", "[REDACTED:card] order")] // only the words before count
    [InlineData("order paid with card 4532015112830366", "order paid with card [REDACTED:card]")]
    [InlineData("order id 4111 1111 1111 1111", "order id [REDACTED:card]")] // printed as a card is
    [InlineData("orderId=4532015112830366 cc=5105105105105100", "orderId=4532015112830366 cc=[REDACTED:card]")]
    public void Redact_CardNumber_Replaced(string input, string expected) =>
        Assert.Equal(expected, TestRedactors.Default.Redact(input));

    [Theory]
    [InlineData("Card 4111 1111 1111 1112 declined")] // Luhn fails
    [InlineData("id 1234567890123452")] // Luhn passes, but no issuer uses prefix 1
    [InlineData("id 9000000000000001")] // Luhn passes, prefix 9
    [InlineData("compact timestamp 2024051710153017")] // Luhn passes, "2024" is not a Mastercard range
    [InlineData("ratio 0.4111111111111111")] // a decimal, not a card
    [InlineData("hex a4111111111111111b")] // glued to letters
    [InlineData("snowflake 1541815603606036480")]
    [InlineData("short 411111111111")]
    [InlineData("Order 4532015112830366 shipped")] // Luhn passes, but an order number
    [InlineData("invoice #4532015112830366")]
    [InlineData("Order no. 4532015112830366")]
    [InlineData("tracking number: 4532015112830366")]
    [InlineData("ref=5105105105105100, id 4532015112830366")]
    [InlineData("{\"orderId\":\"4532015112830366\"}")]
    public void Redact_NotACard_Unchanged(string input) =>
        Assert.Same(input, TestRedactors.Default.Redact(input));

    [Fact]
    public void PassesLuhn_KnownNumbers_MatchesChecksum()
    {
        Assert.True(PaymentCardDetector.IsCardNumber("4111 1111 1111 1111"));
        Assert.False(PaymentCardDetector.IsCardNumber("4111 1111 1111 1112"));
        Assert.False(PaymentCardDetector.IsCardNumber("4111 1111 1111 1111 1111"));
        Assert.True(PaymentCardDetector.PassesLuhn([7, 9, 9, 2, 7, 3, 9, 8, 7, 1, 3]));
        Assert.False(PaymentCardDetector.PassesLuhn([7, 9, 9, 2, 7, 3, 9, 8, 7, 1, 4]));
    }
}
