using System.Diagnostics;
using ErrorTelemetry.Correlation.Internal;
using OpenTelemetry;

namespace ErrorTelemetry.Tests.Correlation;

public sealed class CorrelationIdsTests
{
    [Theory]
    [InlineData("order-42")]
    [InlineData("a.b_c:d-e/f+g=h@i")]
    [InlineData("0af7651916cd43dd8448eb211c80319c")]
    public void Check_WellFormed_Null(string value) => Assert.Null(CorrelationIds.Check(value));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a\r\nb", "contains control characters")]
    [InlineData("a\u0000", "contains control characters")]
    [InlineData("a\u007f", "contains control characters")]
    [InlineData("a b", "contains characters other than A-Z a-z 0-9 . _ : - / + = @")]
    [InlineData("a\"b", "contains characters other than A-Z a-z 0-9 . _ : - / + = @")]
    [InlineData("a,b;c\\d", "contains characters other than A-Z a-z 0-9 . _ : - / + = @")]
    [InlineData("a<script>", "contains characters other than A-Z a-z 0-9 . _ : - / + = @")]
    [InlineData("caf\u00e9", "contains non-ASCII characters")]
    [InlineData("a\u2028b", "contains non-ASCII characters")]
    public void Check_Malformed_ReasonWithoutTheValue(string value, string reason)
    {
        Assert.Equal(reason, CorrelationIds.Check(value));
    }

    [Fact]
    public void Check_LengthLimit_128Accepted129Rejected()
    {
        Assert.Null(CorrelationIds.Check(new string('a', 128)));
        Assert.Equal("longer than 128 characters", CorrelationIds.Check(new string('a', 129)));
    }

    [Fact]
    public void New_ThirtyTwoHexDigitsAndValid()
    {
        var id = CorrelationIds.New();
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.True(CorrelationIds.IsValid(id));
        Assert.NotEqual(id, CorrelationIds.New());
    }

    [Fact]
    public void New_ManyIdsAcrossBatchRefillsAndThreads_AllWellFormedAndDistinct()
    {
        // Ids come from per-thread batches of random bytes: refills and concurrent threads must never repeat one.
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 4, _ =>
        {
            for (var i = 0; i < 1000; i++)
            {
                ids.Add(CorrelationIds.New());
            }
        });

        Assert.All(ids, static id => Assert.Matches("^[0-9a-f]{32}$", id));
        Assert.Equal(4000, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Current_SpanBaggageFirstThenAmbientAndNeverAMalformedOne()
    {
        using var parent = new Activity("p").Start();
        parent.SetBaggage("correlation.id", "from-span");
        using var child = new Activity("c").Start();
        Assert.Equal("from-span", CorrelationIds.Current(child));

        parent.SetBaggage("correlation.id", "bad value");
        var previous = Baggage.Current;
        Baggage.SetBaggage("correlation.id", "from-ambient");
        try
        {
            Assert.Equal("from-ambient", CorrelationIds.Current(child));
            Baggage.SetBaggage("correlation.id", "also bad");
            Assert.Null(CorrelationIds.Current(child));
        }
        finally
        {
            Baggage.Current = previous;
        }
    }
}
