using System.Reflection;
using ErrorTelemetry.Classification.Internal;

namespace ErrorTelemetry.Tests.Classification;

public class ExceptionContextTests
{
    private enum Tier
    {
        Gold,
    }

    [Fact]
    public void WithContext_RethrownException_ContextReachesTheReader()
    {
        var caught = Assert.Throws<TimeoutException>(() => PlaceOrder(42));

        Assert.Equal(
            [new("step", "reserve"), new("orderId", 42L), new("attempt", 3L)],
            ExceptionContext.Read(caught));
    }

    [Fact]
    public void WithContext_ReturnsTheSameExceptionWithItsType()
    {
        var exception = new TimeoutException();

        TimeoutException returned = exception.WithContext("orderId", 42);

        Assert.Same(exception, returned);
        Assert.Equal(42L, exception.Data["ErrorTelemetry.Context.orderId"]);
    }

    [Fact]
    public void WithContext_NormalizesValuesToAttributeTypes()
    {
        var id = Guid.Parse("6f9619ff-8b86-d011-b42d-00cf4fc964ff");
        var exception = new InvalidOperationException()
            .WithContext("int", 7)
            .WithContext("byte", (byte)1)
            .WithContext("ulong", 9UL)
            .WithContext("float", 1.5f)
            .WithContext("decimal", 2.25m)
            .WithContext("bool", true)
            .WithContext("text", "hello")
            .WithContext("guid", id)
            .WithContext("when", new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero))
            .WithContext("tier", Tier.Gold)
            .WithContext("uri", new Uri("https://example.com/a"));

        var context = ExceptionContext.Read(exception).ToDictionary(e => e.Key, e => e.Value);

        Assert.Equal(7L, context["int"]);
        Assert.Equal(1L, context["byte"]);
        Assert.Equal(9L, context["ulong"]);
        Assert.Equal(1.5d, context["float"]);
        Assert.Equal(2.25d, context["decimal"]);
        Assert.Equal(true, context["bool"]);
        Assert.Equal("hello", context["text"]);
        Assert.Equal("6f9619ff-8b86-d011-b42d-00cf4fc964ff", context["guid"]);
        Assert.Equal("2024-05-01T12:00:00.0000000+00:00", context["when"]);
        Assert.Equal("Gold", context["tier"]);
        Assert.Equal("https://example.com/a", context["uri"]);
    }

    [Fact]
    public void Read_Chain_AccumulatesOuterFirstAndOuterValueWins()
    {
        var inner = new TimeoutException().WithContext("orderId", 1).WithContext("db", "orders");
        var outer = new InvalidOperationException("x", inner).WithContext("orderId", 2).WithContext("tenant", "acme");
        var aggregate = new AggregateException(outer, new IOException().WithContext("file", "a.txt"));

        Assert.Equal(
            [new("orderId", 2L), new("tenant", "acme"), new("db", "orders"), new("file", "a.txt")],
            ExceptionContext.Read(aggregate));
    }

    [Fact]
    public void Read_IgnoresForeignDataNullValuesAndEmptyKeys()
    {
        var exception = new InvalidOperationException().WithContext("kept", 1).WithContext("dropped", null);
        exception.Data["orderId"] = 5;
        exception.Data["ErrorTelemetry.Context."] = "no key";
        exception.Data[ExceptionDataKeys.CauseCode] = "PAYMENT_DECLINED";

        Assert.Equal([new("kept", 1L)], ExceptionContext.Read(exception));
    }

    [Fact]
    public void Read_NoContext_ReturnsEmpty()
    {
        Assert.Empty(ExceptionContext.Read(new InvalidOperationException("x", new TimeoutException())));
    }

    [Fact]
    public void Read_OneExceptionWithoutCauses_ItsOwnContextOnly()
    {
        // An exception without causes is read without walking: an aggregate's inner exceptions are still walked.
        var inner = new TimeoutException("x").WithContext("order_id", 42);
        var aggregate = new AggregateException(inner);

        Assert.Empty(ExceptionContext.Read(new TimeoutException("x")));
        Assert.Equal([new("order_id", 42L)], ExceptionContext.Read(inner));
        Assert.Equal([new("order_id", 42L)], ExceptionContext.Read(aggregate));
    }

    [Fact]
    public void Read_ManyEntries_IsBounded()
    {
        var exception = new InvalidOperationException();
        for (var i = 0; i < 100; i++)
        {
            exception.WithContext($"key{i}", i);
        }

        var context = ExceptionContext.Read(exception);

        Assert.Equal(ExceptionContext.MaxEntries, context.Count);
        Assert.Equal("key0", context[0].Key);
    }

    [Fact]
    public void Read_CyclicChain_Terminates()
    {
        var a = new InvalidOperationException("a").WithContext("a", 1);
        var b = new InvalidOperationException("b", a).WithContext("b", 2);
        typeof(Exception).GetField("_innerException", BindingFlags.NonPublic | BindingFlags.Instance)!.SetValue(a, b);

        Assert.Equal([new("a", 1L), new("b", 2L)], ExceptionContext.Read(a));
    }

    [Fact]
    public void WithContext_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => ((Exception)null!).WithContext("k", 1));
        Assert.Throws<ArgumentException>(() => new InvalidOperationException().WithContext(" ", 1));
    }

    private static void PlaceOrder(int orderId)
    {
        try
        {
            Reserve();
        }
        catch (Exception ex)
        {
            ex.WithContext("orderId", orderId).WithContext("attempt", 3);
            throw;
        }
    }

    private static void Reserve() => throw new TimeoutException("reservation timed out").WithContext("step", "reserve");
}
