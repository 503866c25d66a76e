using System.Text;
using ErrorTelemetry.Catalog.Internal;
using ErrorTelemetry.Configuration.Internal;
using Microsoft.Extensions.Configuration;

namespace ErrorTelemetry.Tests.Configuration;

public class ErrorTelemetryConfigurationTests
{
    [Fact]
    public void Bind_InMemoryCollection_BindsCatalogEntriesAndScalars()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ErrorTelemetry:MaxFailureSeries"] = "500",
                ["ErrorTelemetry:CatalogFile"] = "errors.json",
                ["ErrorTelemetry:Catalog:ORDER_NOT_FOUND:Category"] = "NotFound",
                ["ErrorTelemetry:Catalog:ORDER_NOT_FOUND:Title"] = "The order was not found.",
                ["ErrorTelemetry:Catalog:ORDER_NOT_FOUND:HttpStatus"] = "404",
                ["ErrorTelemetry:Catalog:ORDER_NOT_FOUND:Retryable"] = "false",
                ["ErrorTelemetry:Catalog:RATE_LIMITED:Owner"] = "edge-team",
            })
            .Build();
        var options = new ErrorTelemetryOptions();

        ErrorTelemetryConfiguration.Bind(configuration.GetSection(ErrorTelemetryConfiguration.SectionName), options);

        Assert.Equal(500, options.MaxFailureSeries);
        Assert.Equal("errors.json", options.CatalogFile);
        Assert.Equal(["ORDER_NOT_FOUND", "RATE_LIMITED"], options.Catalog.Keys.Order(StringComparer.Ordinal));
        var order = options.Catalog["ORDER_NOT_FOUND"];
        Assert.Equal("NotFound", order.Category);
        Assert.Equal("The order was not found.", order.Title);
        Assert.Equal(404, order.HttpStatus);
        Assert.False(order.Retryable);
        Assert.Null(order.Owner);
        Assert.Equal("edge-team", options.Catalog["RATE_LIMITED"].Owner);
        Assert.Null(options.Catalog["RATE_LIMITED"].HttpStatus);
    }

    [Fact]
    public void Bind_AppSettingsJson_BuildsTheMergedCatalog()
    {
        const string AppSettings = """
            {
              "ErrorTelemetry": {
                "Catalog": {
                  "INVENTORY_EXHAUSTED": {
                    "Category": "BusinessRule",
                    "Severity": "Warning",
                    "Title": "The item is out of stock.",
                    "HttpStatus": 409,
                    "Retryable": true,
                    "Owner": "team-inventory",
                    "RunbookUrl": "https://runbooks.example.com/inventory",
                    "Remediation": "Restock.",
                    "Description": "No stock left for the item."
                  },
                  "OPERATION_TIMEOUT": { "Owner": "platform" }
                }
              }
            }
            """;
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(AppSettings));
        var configuration = new ConfigurationBuilder().AddJsonStream(stream).Build();
        var options = new ErrorTelemetryOptions();

        ErrorTelemetryConfiguration.Bind(configuration.GetSection("ErrorTelemetry"), options);
        var catalog = ErrorCatalogFactory.Create(options, null, out var errors);

        Assert.Empty(errors);
        var inventory = catalog.Get("INVENTORY_EXHAUSTED");
        Assert.Equal(ErrorCategory.BusinessRule, inventory.Category);
        Assert.Equal(ErrorSeverity.Warning, inventory.Severity);
        Assert.Equal(409, inventory.HttpStatus);
        Assert.True(inventory.Retryable);
        Assert.Equal("team-inventory", inventory.Owner);
        Assert.Equal("https://runbooks.example.com/inventory", inventory.RunbookUrl?.AbsoluteUri);
        Assert.Equal("Restock.", inventory.Remediation);
        Assert.Equal("No stock left for the item.", inventory.Description);
        Assert.Equal("platform", catalog.Get("OPERATION_TIMEOUT").Owner);
    }

    [Fact]
    public void Bind_LaterProvider_OverridesOneFieldOfAnEntry()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("""
            { "ErrorTelemetry": { "Catalog": { "INVENTORY_EXHAUSTED": { "Category": "BusinessRule", "Title": "Out of stock.", "Owner": "team-a" } } } }
            """));
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(stream)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ErrorTelemetry:Catalog:INVENTORY_EXHAUSTED:Owner"] = "team-b" })
            .Build();
        var options = new ErrorTelemetryOptions();

        ErrorTelemetryConfiguration.Bind(configuration.GetSection("ErrorTelemetry"), options);
        var definition = ErrorCatalogFactory.CreateOrThrow(options, null).Get("INVENTORY_EXHAUSTED");

        Assert.Equal("team-b", definition.Owner);
        Assert.Equal("Out of stock.", definition.Title);
    }

    [Fact]
    public void Bind_ValueOfTheWrongType_ThrowsNamingTheKey()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ErrorTelemetry:Catalog:ORDER_NOT_FOUND:HttpStatus"] = "not-found" })
            .Build();

        var e = Assert.Throws<InvalidOperationException>(() =>
            ErrorTelemetryConfiguration.Bind(configuration.GetSection("ErrorTelemetry"), new ErrorTelemetryOptions()));

        Assert.Contains("'ErrorTelemetry:Catalog:ORDER_NOT_FOUND:HttpStatus'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_KeepsRegistrationsMadeInCode()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ErrorTelemetry:Catalog:ORDER_TIMEOUT:Owner"] = "team-orders" })
            .Build();
        var definition = new ErrorDefinition("ORDER_TIMEOUT", ErrorCategory.Timeout, "The order timed out.");
        var options = new ErrorTelemetryOptions().Map<TimeoutException>(definition);

        ErrorTelemetryConfiguration.Bind(configuration.GetSection("ErrorTelemetry"), options);
        var catalog = ErrorCatalogFactory.CreateOrThrow(options, null);

        Assert.Equal("team-orders", catalog.Get("ORDER_TIMEOUT").Owner);
        Assert.Single(options.MappingRules);
    }
}
