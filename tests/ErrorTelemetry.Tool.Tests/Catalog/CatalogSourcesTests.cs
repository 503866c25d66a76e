using ErrorTelemetry.Tool.Catalog;
using ErrorTelemetry.Tool.Tests.TestSupport;

namespace ErrorTelemetry.Tool.Tests.Catalog;

public sealed class CatalogSourcesTests
{
    [Fact]
    public void Build_StorefrontAssembly_HasItsDefinitionsAndTheBuiltIns()
    {
        var catalog = ExampleCatalogs.Storefront();

        var timeout = Assert.Single(catalog, d => d.Code == "DEPENDENCY_DB_TIMEOUT");
        Assert.Equal("storefront-dba", timeout.Owner);
        Assert.Equal(ErrorSeverity.Critical, timeout.Severity);
        Assert.Equal("https://runbooks.example.com/storefront/db-timeout", timeout.RunbookUrl!.OriginalString);
        Assert.Contains(catalog, d => d.Code == "UNCLASSIFIED");
        Assert.DoesNotContain(catalog, d => d.Code.StartsWith("INVENTORY_", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_ConfigurationLayer_OverridesTheAssemblysDefinitionAsTheHostDoes()
    {
        using var temp = new TempDirectory();
        var config = temp.Write("appsettings.json", """
            { "ErrorTelemetry": { "Catalog": { "ORDER_NOT_FOUND": { "Owner": "orders-team" }, "PAYMENT_DECLINED": { "Category": "BusinessRule", "Title": "Declined." } } } }
            """);

        var catalog = CatalogSources.Build([ExampleCatalogs.StorefrontAssembly], null, [config]);

        Assert.Equal("orders-team", Assert.Single(catalog, d => d.Code == "ORDER_NOT_FOUND").Owner);
        Assert.Equal(ErrorCategory.BusinessRule, Assert.Single(catalog, d => d.Code == "PAYMENT_DECLINED").Category);
    }

    [Fact]
    public void Build_InvalidCatalogFile_ThrowsWithTheHostsStartUpMessages()
    {
        using var temp = new TempDirectory();
        var file = temp.Write("errors.catalog.json", """{ "db_timeout": { "Category": "Timeout", "Title": "Slow." }, "X_CODE": { "Categry": "Timeout" } }""");

        var e = Assert.Throws<CatalogException>(() => CatalogSources.Build([], file, []));

        Assert.Contains("db_timeout: invalid code", e.Message, StringComparison.Ordinal);
        Assert.Contains("unknown property 'Categry'", e.Message, StringComparison.Ordinal);
    }
}
