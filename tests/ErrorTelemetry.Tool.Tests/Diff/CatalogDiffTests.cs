using ErrorTelemetry.Tool.Diff;
using ErrorTelemetry.Tool.Tests.TestSupport;

namespace ErrorTelemetry.Tool.Tests.Diff;

public sealed class CatalogDiffTests
{
    private static readonly ErrorDefinition Before = new("ORDER_NOT_FOUND", ErrorCategory.NotFound, "The order does not exist.") { Owner = "orders" };

    [Fact]
    public void Compare_SameCatalog_HasNoChanges() =>
        Assert.Empty(CatalogDiff.Compare(ExampleCatalogs.Storefront(), ExampleCatalogs.Storefront()));

    [Theory]
    [InlineData("category")]
    [InlineData("HTTP status")]
    [InlineData("retryable")]
    [InlineData("title")]
    public void Compare_ContractFieldChanged_IsBreaking(string field)
    {
        var after = field switch
        {
            "category" => new ErrorDefinition(Before.Code, ErrorCategory.Validation, Before.Title),
            "HTTP status" => new ErrorDefinition(Before.Code, Before.Category, Before.Title) { HttpStatus = 410 },
            "retryable" => new ErrorDefinition(Before.Code, Before.Category, Before.Title) { Retryable = true },
            _ => new ErrorDefinition(Before.Code, Before.Category, "Gone."),
        };

        var changes = CatalogDiff.Compare([Before], [after]);

        Assert.Contains(changes, c => c.IsBreaking && c.Code == "ORDER_NOT_FOUND" && c.What.StartsWith(field + " changed from ", StringComparison.Ordinal));
    }

    [Fact]
    public void Compare_RemovedCodes_BreakUnlessTheyWereDeprecated()
    {
        ErrorDefinition[] before =
        [
            Before,
            new("ORDER_MISSING", ErrorCategory.NotFound, "Gone.") { ReplacedBy = "ORDER_NOT_FOUND" },
            new("ORDER_LOST", ErrorCategory.NotFound, "Lost."),
        ];

        var changes = CatalogDiff.Compare(before, [Before]);

        Assert.True(Assert.Single(changes, c => c.Code == "ORDER_LOST").IsBreaking);
        Assert.False(Assert.Single(changes, c => c.Code == "ORDER_MISSING").IsBreaking);
    }

    [Fact]
    public void Compare_AddedCodeAndNewOwner_AreNotBreaking()
    {
        ErrorDefinition[] after =
        [
            new(Before.Code, Before.Category, Before.Title) { Owner = "fulfilment" },
            new("ORDER_LOCKED", ErrorCategory.Conflict, "Locked."),
        ];

        var changes = CatalogDiff.Compare([Before], after);

        Assert.Equal(2, changes.Count);
        Assert.All(changes, c => Assert.False(c.IsBreaking));
        Assert.Contains(changes, c => c.What == "owner changed from 'orders' to 'fulfilment'");
    }
}
