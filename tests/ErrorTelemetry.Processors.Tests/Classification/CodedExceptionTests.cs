namespace ErrorTelemetry.Tests.Classification;

public class CodedExceptionTests
{
    private static readonly ErrorDefinition OrderNotFound = new("ORDER_NOT_FOUND", ErrorCategory.NotFound, "The order was not found.");

    private enum Channel
    {
        Web,
        Mobile,
    }

    [Fact]
    public void ToException_Defaults_CarriesDefinitionAndTitleAsMessage()
    {
        var exception = OrderNotFound.ToException();

        Assert.Same(OrderNotFound, exception.Definition);
        Assert.Equal("The order was not found.", exception.Message);
        Assert.Null(exception.InnerException);
        Assert.Empty(exception.Details);
    }

    [Fact]
    public void ToException_MessageAndCause_AreKept()
    {
        var cause = new TimeoutException();

        var exception = OrderNotFound.ToException("order 42 missing in shard 3", cause);

        Assert.Equal("order 42 missing in shard 3", exception.Message);
        Assert.Same(cause, exception.InnerException);
    }

    [Fact]
    public void WithDetail_StructuredValues_AreKeptInOrderAndReplacedByKey()
    {
        var id = Guid.NewGuid();
        var at = DateTimeOffset.UnixEpoch;

        var exception = OrderNotFound.ToException()
            .WithDetail("orderId", 42)
            .WithDetail("amount", 9.5)
            .WithDetail("retried", true)
            .WithDetail("requestId", id)
            .WithDetail("at", at)
            .WithDetail("waited", TimeSpan.FromSeconds(2))
            .WithDetail("channel", Channel.Mobile)
            .WithDetail("orderId", 43);

        Assert.Equal(
            [
                new("orderId", 43L),
                new("amount", 9.5),
                new("retried", true),
                new("requestId", id),
                new("at", at),
                new("waited", TimeSpan.FromSeconds(2)),
                new("channel", Channel.Mobile),
            ],
            exception.Details);
    }

    [Fact]
    public void WithDetail_Thrown_ArrivesAtTheCatchSite()
    {
        var caught = Assert.Throws<CodedException>(FindOrder);

        Assert.Equal("ORDER_NOT_FOUND", caught.Definition.Code);
        Assert.Equal(42L, Assert.Single(caught.Details).Value);
    }

    private static void FindOrder() => throw OrderNotFound.ToException().WithDetail("orderId", 42);

    [Fact]
    public void InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new CodedException(null!));
        Assert.Throws<ArgumentNullException>(() => ((ErrorDefinition)null!).ToException());
        Assert.Throws<ArgumentException>(() => OrderNotFound.ToException().WithDetail("", 1));
        Assert.Throws<ArgumentNullException>(() => OrderNotFound.ToException().WithDetail("channel", (Enum)null!));
    }
}
