using ErrorTelemetry.Catalog.Internal;

namespace ErrorTelemetry.Tests.Catalog;

public class ErrorCatalogTests
{
    private static readonly ErrorCatalog Catalog = ErrorCatalogFactory.CreateOrThrow(
        new ErrorTelemetryOptions().AddDefinition(new ErrorDefinition("ORDER_NOT_FOUND", ErrorCategory.NotFound, "The order was not found.")),
        null);

    [Fact]
    public void TryGet_KnownCode_FindsItByStringAndBySpan()
    {
        Assert.True(Catalog.TryGet("ORDER_NOT_FOUND", out var byString));
        Assert.True(Catalog.TryGet("xORDER_NOT_FOUNDx".AsSpan(1, 15), out var bySpan));

        Assert.Same(byString, bySpan);
        Assert.Equal(ErrorCategory.NotFound, byString.Category);
    }

    [Fact]
    public void TryGet_UnknownOrDifferentlyCasedCode_ReturnsFalse()
    {
        Assert.False(Catalog.TryGet("order_not_found", out _));
        Assert.False(Catalog.TryGet("NOPE".AsSpan(), out _));
    }

    [Fact]
    public void Get_UnknownCode_ThrowsNamingTheCode()
    {
        var e = Assert.Throws<KeyNotFoundException>(() => Catalog.Get("NOPE_CODE"));

        Assert.Contains("'NOPE_CODE'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unclassified_IsTheCatalogsUnclassifiedDefinition()
    {
        Assert.Same(Catalog.Get("UNCLASSIFIED"), Catalog.Unclassified);
        Assert.Equal(BuiltInErrors.All().Count + 1, Catalog.Definitions.Count);
    }

    [Fact]
    public void TryGet_ByString_DoesNotAllocate()
    {
        Catalog.TryGet("ORDER_NOT_FOUND".AsSpan(), out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Catalog.TryGet("ORDER_NOT_FOUND", out _);
            Catalog.TryGet("ORDER_NOT_FOUND".AsSpan(), out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
