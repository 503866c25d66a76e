using System.Text.Json;
using ErrorTelemetry.Tool.Catalog;
using ErrorTelemetry.Tool.Schema;
using ErrorTelemetry.Tool.Tests.TestSupport;
using Json.Schema;

namespace ErrorTelemetry.Tool.Tests.Schema;

/// <summary>
/// The schema, run by a real JSON Schema validator (JsonSchema.Net), agrees with the host's own reader: files the
/// host reads validate, and files the host rejects at start are invalid against the schema too.
/// </summary>
public sealed class CatalogSchemaTests
{
    private static readonly JsonSchema Schema = JsonSchema.FromText(CatalogSchema.Render());

    [Fact]
    public void ExportedExampleCatalogs_ValidateAndTheHostReadsThemBackUnchanged()
    {
        using var temp = new TempDirectory();
        foreach (var catalog in new[] { ExampleCatalogs.Storefront(), ExampleCatalogs.Inventory() })
        {
            var file = temp.Write("errors.catalog.json", CatalogExport.Render(catalog, includeBuiltIns: false));

            AssertValid(File.ReadAllText(file), expected: true);
            var readBack = CatalogSources.Build([], file, []);
            Assert.Equal(Describe(catalog), Describe(readBack));
        }
    }

    [Theory]
    [InlineData("""{ "$schema": "x", "PAYMENT_DECLINED": { "category": "business_rule", "title": "Declined.", "severity": "critical", "httpStatus": 402, "retryable": null, "RunbookUrl": "https://wiki.example.com/pay" } }""")]
    [InlineData("""{ "ORDER_TIMEOUT": { "Category": "Timeout", "Title": "Slow.", "ReplacedBy": "OPERATION_TIMEOUT" } }""")]
    [InlineData("""{ "UNCLASSIFIED": { "Owner": "platform-team" } }""")]
    public void Validate_FileTheHostAccepts_IsValid(string json)
    {
        AssertValid(json, expected: true);
        Assert.NotEmpty(HostRead(json));
    }

    [Theory]
    [InlineData("""{ "db_timeout": { "Category": "Timeout", "Title": "Slow." } }""")]
    [InlineData("""{ "DB": { "Category": "Timeout", "Title": "Slow." } }""")]
    [InlineData("""{ "DB_TIMEOUT": { "Category": "Slow", "Title": "Slow." } }""")]
    [InlineData("""{ "DB_TIMEOUT": { "Category": "Timeout", "Title": "Slow.", "Severity": "fatal" } }""")]
    [InlineData("""{ "DB_TIMEOUT": { "Category": "Timeout", "Title": "Slow.", "HttpStatus": "504" } }""")]
    [InlineData("""{ "DB_TIMEOUT": { "Category": "Timeout", "Title": "Slow.", "HttpStatus": 200 } }""")]
    [InlineData("""{ "DB_TIMEOUT": { "Category": "Timeout", "Title": "Slow.", "Retryable": "yes" } }""")]
    [InlineData("""{ "DB_TIMEOUT": { "Category": "Timeout", "Title": "Slow.", "RunbookUrl": "wiki/db" } }""")]
    [InlineData("""{ "DB_TIMEOUT": { "Category": "Timeout", "Title": "Slow.", "Runbook": "https://wiki.example.com" } }""")]
    [InlineData("""{ "DB_TIMEOUT": "Timeout" }""")]
    public void Validate_FileTheHostRejects_IsInvalid(string json)
    {
        AssertValid(json, expected: false);
        Assert.Throws<CatalogException>(() => HostRead(json));
    }

    private static IReadOnlyList<ErrorDefinition> HostRead(string json)
    {
        using var temp = new TempDirectory();
        return CatalogSources.Build([], temp.Write("errors.catalog.json", json), []);
    }

    private static void AssertValid(string json, bool expected)
    {
        using var document = JsonDocument.Parse(json);
        var result = Schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid == expected, $"expected {(expected ? "valid" : "invalid")}: {json}\n{JsonSerializer.Serialize(result)}");
    }

    private static List<string> Describe(IEnumerable<ErrorDefinition> definitions) =>
        definitions
            .Where(d => BuiltInErrors.All().All(b => b.Code != d.Code))
            .Select(d => $"{d.Code}|{d.Category}|{d.Severity}|{d.Title}|{d.Description}|{d.HttpStatus}|{d.Retryable}|{d.Owner}|{d.RunbookUrl}|{d.Remediation}|{d.ReplacedBy}")
            .Order(StringComparer.Ordinal)
            .ToList();
}
