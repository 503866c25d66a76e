using System.Globalization;
using ErrorTelemetry.Redaction.Internal;

namespace ErrorTelemetry.Tests.Redaction;

public class CleanValueCacheTests
{
    private const int Mask = CleanValueCache.SlotCount - 1;

    [Fact]
    public void Contains_SameTextAnotherInstance_True()
    {
        var cache = new CleanValueCache();
        cache.Add("/orders/1");

        // A request path is a new string on every request: it is the text that is remembered, not the instance.
        Assert.True(cache.Contains(new string("/orders/1".AsSpan())));
    }

    [Fact]
    public void Contains_OtherTextWithTheSameHash_False()
    {
        // Same length and the same characters where the hash reads them: the hashes agree, the text decides.
        const string Clean = "mail jane.doe example.com now";
        const string Secret = "mail jane.doe@example.com now";
        Assert.Equal(RecentStrings.Hash(Clean), RecentStrings.Hash(Secret));
        var cache = new CleanValueCache();
        cache.Add(Clean);

        Assert.False(cache.Contains(Secret));
        Assert.True(cache.Contains(Clean));
    }

    [Fact]
    public void Contains_SlotTakenByAnotherValue_False()
    {
        // Found offline: the same slot, different hashes.
        const string First = "order 0 shipped";
        const string Other = "axfyy6zzzza";
        Assert.Equal(RecentStrings.Slot(First, Mask), RecentStrings.Slot(Other, Mask));
        Assert.NotEqual(RecentStrings.Hash(First), RecentStrings.Hash(Other));
        var cache = new CleanValueCache();
        cache.Add(First);

        cache.Add(Other);

        Assert.False(cache.Contains(First));
        Assert.True(cache.Contains(Other));
    }

    [Fact]
    public void Contains_FreshValuesInEverySlot_NoneKnown()
    {
        var cache = new CleanValueCache();
        for (var i = 0; i < 4 * CleanValueCache.SlotCount; i++)
        {
            cache.Add("clean " + i.ToString(CultureInfo.InvariantCulture));
        }

        for (var i = 0; i < 4 * CleanValueCache.SlotCount; i++)
        {
            Assert.False(cache.Contains("fresh " + i.ToString(CultureInfo.InvariantCulture)));
        }
    }
}
