using ErrorTelemetry.Catalog.Internal;

namespace ErrorTelemetry.Tests.Catalog;

public class ErrorCodeRuleTests
{
    private const string Rule = "codes are UPPER_SNAKE_CASE (A-Z, 0-9 and '_'), 3 to 63 characters long, and start with a letter";

    [Theory]
    [InlineData("db_timeout", "it contains 'd'; " + Rule)]
    [InlineData("ORDER-NOT-FOUND", "it contains '-'; " + Rule)]
    [InlineData("ORDER NOT FOUND", "it contains ' '; " + Rule)]
    [InlineData("1_ORDER", "it does not start with a letter; " + Rule)]
    [InlineData("_ORDER", "it does not start with a letter; " + Rule)]
    [InlineData("AB", "it is 2 characters long; " + Rule)]
    [InlineData("A123456789012345678901234567890123456789012345678901234567890123", "it is 64 characters long; " + Rule)]
    [InlineData("", "the code is empty; " + Rule)]
    public void Check_InvalidCode_SaysWhatIsWrong(string code, string expected)
    {
        Assert.Equal(expected, ErrorCodeRule.Check(code));
        Assert.False(ErrorCodeRule.IsValid(code));
    }

    [Theory]
    [InlineData("ABC")]
    [InlineData("ORDER_NOT_FOUND")]
    [InlineData("HTTP_404")]
    [InlineData("A12345678901234567890123456789012345678901234567890123456789012")]
    public void Check_ValidCode_ReturnsNull(string code)
    {
        Assert.Null(ErrorCodeRule.Check(code));
        Assert.True(ErrorCodeRule.IsValid(code));
    }

    [Fact]
    public void ErrorDefinition_InvalidCode_ThrowsWithTheRule()
    {
        var e = Assert.Throws<ArgumentException>(() => new ErrorDefinition("order_not_found", ErrorCategory.NotFound, "Not found."));

        Assert.StartsWith("Error code 'order_not_found' is invalid: it contains 'o'; " + Rule, e.Message, StringComparison.Ordinal);
    }
}
