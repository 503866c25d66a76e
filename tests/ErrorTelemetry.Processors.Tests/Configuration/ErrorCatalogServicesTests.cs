using ErrorTelemetry.Classification.Internal;
using ErrorTelemetry.Configuration.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Tests.Configuration;

public class ErrorCatalogServicesTests
{
    [Fact]
    public void Add_InvalidCatalog_StartupValidationFailsListingEveryProblem()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ErrorTelemetry:Catalog:db_timeout:Category"] = "Timeout",
                ["ErrorTelemetry:Catalog:db_timeout:Title"] = "Timed out.",
                ["ErrorTelemetry:Catalog:ORDER_NOT_FOUND:Category"] = "Validation",
            })
            .Build();
        var services = new ServiceCollection();
        ErrorCatalogServices.Add(services, configuration.GetSection("ErrorTelemetry"), null)
            .Configure(o => o.AddDefinition(OrderErrors.OrderNotFound).Map<TimeoutException>("ORDER_TIMEOUT"));
        using var provider = services.BuildServiceProvider();

        // IStartupValidator is what the generic host runs before it starts any hosted service.
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(
            [
                "ErrorTelemetry:Catalog:db_timeout: invalid code: it contains 'd'; codes are UPPER_SNAKE_CASE (A-Z, 0-9 and '_'), 3 to 63 characters long, and start with a letter",
                "ErrorTelemetry:Catalog:ORDER_NOT_FOUND:Category 'Validation' conflicts with OrderErrors.OrderNotFound, which defines ORDER_NOT_FOUND as NotFound; configuration cannot change the category of a code",
                "ErrorTelemetryOptions.Map<TimeoutException>(\"ORDER_TIMEOUT\"): the code 'ORDER_TIMEOUT' is not in the catalog; define it in code (AddDefinition) or under ErrorTelemetry:Catalog",
            ],
            e.Failures);
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ErrorCatalog>());
    }

    [Fact]
    public void Add_ValidCatalog_RegistersCatalogAndClassifierSingletons()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ErrorTelemetry:Catalog:ORDER_TIMEOUT:Category"] = "Timeout",
                ["ErrorTelemetry:Catalog:ORDER_TIMEOUT:Title"] = "The order timed out.",
                ["ErrorTelemetry:Catalog:ORDER_NOT_FOUND:Owner"] = "team-orders",
            })
            .Build();
        var services = new ServiceCollection();
        ErrorCatalogServices.Add(services, configuration.GetSection("ErrorTelemetry"), null)
            .Configure(o => o.AddDefinition(OrderErrors.OrderNotFound).Map<TimeoutException>("ORDER_TIMEOUT"));
        ErrorCatalogServices.Add(services, null, null);
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        var catalog = provider.GetRequiredService<ErrorCatalog>();
        var classifier = provider.GetRequiredService<ExceptionClassifier>();

        Assert.Same(catalog, classifier.Catalog);
        Assert.Equal("team-orders", catalog.Get("ORDER_NOT_FOUND").Owner);
        Assert.Equal("ORDER_TIMEOUT", classifier.Classify(new TimeoutException()).Definition.Code);
        Assert.Single(provider.GetServices<IValidateOptions<ErrorTelemetryOptions>>());
    }

    [Fact]
    public void Add_CatalogFile_ReadOnceAtStartByValidationAndReusedByTheCatalog()
    {
        var root = Directory.CreateTempSubdirectory("errortelemetry-services-").FullName;
        try
        {
            var file = Path.Combine(root, "errors.json");
            File.WriteAllText(file, """{ "ORDER_TIMEOUT": { "Category": "Timeout", "Title": "Timed out." } }""");
            var services = new ServiceCollection();
            ErrorCatalogServices.Add(services, null, root).Configure(o => o.CatalogFile = "errors.json");
            using var provider = services.BuildServiceProvider();

            provider.GetRequiredService<IStartupValidator>().Validate();

            // Gone after start: a catalog that read the file again would fail to build.
            File.Delete(file);
            Assert.Equal(ErrorCategory.Timeout, provider.GetRequiredService<ErrorCatalog>().Get("ORDER_TIMEOUT").Category);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static class OrderErrors
    {
        public static readonly ErrorDefinition OrderNotFound = new("ORDER_NOT_FOUND", ErrorCategory.NotFound, "The order was not found.");
    }
}
