using System.Text;
using ErrorTelemetry.Catalog.Internal;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Tests.Catalog;

public sealed class ErrorCatalogFactoryTests : IDisposable
{
    private const string Categories = "Validation, Authentication, Authorization, NotFound, Conflict, RateLimited, BusinessRule, Dependency, Connectivity, Timeout, Storage, Configuration, Internal, Cancelled";

    private readonly string _directory = Directory.CreateTempSubdirectory("errortelemetry-catalog-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Create_Defaults_HasEveryBuiltInAndNoErrors()
    {
        var catalog = ErrorCatalogFactory.Create(new ErrorTelemetryOptions(), null, out var errors);

        Assert.Empty(errors);
        Assert.All(BuiltInErrors.All(), d => Assert.Same(d, catalog.Get(d.Code)));
    }

    [Fact]
    public void Create_CodeDefinitions_AreInTheCatalogAsRegistered()
    {
        var options = new ErrorTelemetryOptions().AddDefinitions(typeof(OrderErrors));

        var catalog = ErrorCatalogFactory.Create(options, null, out var errors);

        Assert.Empty(errors);
        Assert.Same(OrderErrors.OrderNotFound, catalog.Get("ORDER_NOT_FOUND"));
        Assert.Same(OrderErrors.OrderLocked, catalog.Get("ORDER_LOCKED"));
        Assert.Same(OrderErrors.PaymentDeclined, catalog.Get("PAYMENT_DECLINED"));
    }

    [Fact]
    public void Create_SameInstanceRegisteredTwice_IsNotADuplicate()
    {
        // OrderErrors.Alias is the same instance as OrderErrors.OrderNotFound.
        var options = new ErrorTelemetryOptions()
            .AddDefinitions(typeof(OrderErrors))
            .AddDefinition(OrderErrors.OrderNotFound)
            .Map<KeyNotFoundException>(OrderErrors.OrderNotFound);

        ErrorCatalogFactory.Create(options, null, out var errors);

        Assert.Empty(errors);
    }

    [Fact]
    public void Create_TwoDefinitionsWithOneCode_ReportsDuplicateNamingBoth()
    {
        var options = new ErrorTelemetryOptions().AddDefinitions(typeof(DuplicateErrors));

        ErrorCatalogFactory.Create(options, null, out var errors);

        Assert.Equal(["Duplicate error code 'ORDER_NOT_FOUND': defined by DuplicateErrors.OrderNotFound and DuplicateErrors.MissingOrder"], errors);
    }

    [Fact]
    public void Create_DefinitionAddedInlineWithAClashingCode_IsNamedByItsCode()
    {
        var options = new ErrorTelemetryOptions()
            .AddDefinitions(typeof(OrderErrors))
            .AddDefinition(new ErrorDefinition("ORDER_LOCKED", ErrorCategory.Conflict, "Locked."));

        ErrorCatalogFactory.Create(options, null, out var errors);

        Assert.Equal(["Duplicate error code 'ORDER_LOCKED': defined by OrderErrors.OrderLocked and ErrorTelemetryOptions.AddDefinition(ORDER_LOCKED)"], errors);
    }

    [Fact]
    public void Create_CodeDefinitionReusingABuiltInCode_ReportsTheReservedCode()
    {
        var throttled = new ErrorDefinition("RATE_LIMITED", ErrorCategory.RateLimited, "Slow down.");
        var options = new ErrorTelemetryOptions().AddDefinition(throttled);

        ErrorCatalogFactory.Create(options, null, out var errors);

        Assert.Equal(["Duplicate error code 'RATE_LIMITED': defined by BuiltInErrors.RateLimited and throttled; built-in codes are reserved, so override their fields under ErrorTelemetry:Catalog:RATE_LIMITED instead"], errors);
    }

    [Fact]
    public void Create_ConfigEntryForNewCode_AddsItWithCategoryDefaults()
    {
        var options = new ErrorTelemetryOptions();
        options.Catalog["INVENTORY_EXHAUSTED"] = new ErrorDefinitionOptions { Category = "business_rule", Title = "The item is out of stock." };

        var catalog = ErrorCatalogFactory.Create(options, null, out var errors);

        Assert.Empty(errors);
        var definition = catalog.Get("INVENTORY_EXHAUSTED");
        Assert.Equal(ErrorCategory.BusinessRule, definition.Category);
        Assert.Equal("The item is out of stock.", definition.Title);
        Assert.Equal(422, definition.HttpStatus);
        Assert.Equal(ErrorSeverity.Warning, definition.Severity);
        Assert.False(definition.Retryable);
        Assert.Null(definition.Owner);
    }

    [Fact]
    public void Create_ConfigEntryForNewCode_TakesEveryField()
    {
        var options = new ErrorTelemetryOptions();
        options.Catalog["INVENTORY_SYNC_FAILED"] = new ErrorDefinitionOptions
        {
            Category = "Dependency",
            Severity = "critical",
            Title = "Inventory is unavailable.",
            Description = "The inventory service did not answer.",
            HttpStatus = 503,
            Retryable = true,
            Owner = "team-inventory",
            RunbookUrl = "https://runbooks.example.com/inventory",
            Remediation = "Page the inventory on-call.",
        };

        var definition = ErrorCatalogFactory.CreateOrThrow(options, null).Get("INVENTORY_SYNC_FAILED");

        Assert.Equal(ErrorCategory.Dependency, definition.Category);
        Assert.Equal(ErrorSeverity.Critical, definition.Severity);
        Assert.Equal("Inventory is unavailable.", definition.Title);
        Assert.Equal("The inventory service did not answer.", definition.Description);
        Assert.Equal(503, definition.HttpStatus);
        Assert.True(definition.Retryable);
        Assert.Equal("team-inventory", definition.Owner);
        Assert.Equal(new Uri("https://runbooks.example.com/inventory"), definition.RunbookUrl);
        Assert.Equal("Page the inventory on-call.", definition.Remediation);
    }

    [Fact]
    public void Create_ConfigEntryForExistingCode_OverridesFieldsButNotIdentity()
    {
        var options = new ErrorTelemetryOptions().AddDefinitions(typeof(OrderErrors));
        options.Catalog["ORDER_NOT_FOUND"] = new ErrorDefinitionOptions
        {
            Category = "NotFound",
            Owner = "team-orders",
            RunbookUrl = "https://runbooks.example.com/orders#not-found",
            Remediation = "Check the order id.",
            Severity = "Warning",
            Retryable = true,
            HttpStatus = 410,
            Description = "No order with that id.",
        };
        options.Catalog["OPERATION_TIMEOUT"] = new ErrorDefinitionOptions { Owner = "platform", Title = "That took too long." };

        var catalog = ErrorCatalogFactory.Create(options, null, out var errors);

        Assert.Empty(errors);
        var order = catalog.Get("ORDER_NOT_FOUND");
        Assert.Equal(ErrorCategory.NotFound, order.Category);
        Assert.Equal("The order was not found.", order.Title);
        Assert.Equal("team-orders", order.Owner);
        Assert.Equal("https://runbooks.example.com/orders#not-found", order.RunbookUrl?.OriginalString);
        Assert.Equal("Check the order id.", order.Remediation);
        Assert.Equal(ErrorSeverity.Warning, order.Severity);
        Assert.True(order.Retryable);
        Assert.Equal(410, order.HttpStatus);
        Assert.Equal("No order with that id.", order.Description);

        var timeout = catalog.Get("OPERATION_TIMEOUT");
        Assert.Equal("platform", timeout.Owner);
        Assert.Equal("That took too long.", timeout.Title);
        Assert.True(timeout.Retryable);
        Assert.Equal(BuiltInErrors.OperationTimeout.Description, timeout.Description);

        // The definitions in code are untouched; the catalog holds the merged copies.
        Assert.Null(OrderErrors.OrderNotFound.Owner);
        Assert.Null(BuiltInErrors.OperationTimeout.Owner);
    }

    [Fact]
    public void Create_ConfigEntryChangingTheCategory_ReportsConflict()
    {
        var options = new ErrorTelemetryOptions().AddDefinitions(typeof(OrderErrors));
        options.Catalog["ORDER_NOT_FOUND"] = new ErrorDefinitionOptions { Category = "Validation" };
        options.Catalog["STORAGE_IO"] = new ErrorDefinitionOptions { Category = "Dependency" };

        var catalog = ErrorCatalogFactory.Create(options, null, out var errors);

        Assert.Equal(
            [
                "ErrorTelemetry:Catalog:ORDER_NOT_FOUND:Category 'Validation' conflicts with OrderErrors.OrderNotFound, which defines ORDER_NOT_FOUND as NotFound; configuration cannot change the category of a code",
                "ErrorTelemetry:Catalog:STORAGE_IO:Category 'Dependency' conflicts with BuiltInErrors.StorageIo, which defines STORAGE_IO as Storage; configuration cannot change the category of a code",
            ],
            errors);
        Assert.Equal(ErrorCategory.NotFound, catalog.Get("ORDER_NOT_FOUND").Category);
    }

    [Fact]
    public void Create_InvalidConfigEntries_ReportsEveryProblemNamingEntryAndRule()
    {
        var options = new ErrorTelemetryOptions();
        options.Catalog["db_timeout"] = new ErrorDefinitionOptions { Category = "Timeout", Title = "Timed out." };
        options.Catalog["BAD_CATEGORY"] = new ErrorDefinitionOptions { Category = "Foo", Title = "Foo." };
        options.Catalog["NO_TITLE"] = new ErrorDefinitionOptions { Category = "Internal" };
        options.Catalog["NO_CATEGORY"] = new ErrorDefinitionOptions { Title = "No category." };
        options.Catalog["BAD_STATUS"] = new ErrorDefinitionOptions { Category = "Internal", Title = "Bad status.", HttpStatus = 302 };
        options.Catalog["BAD_RUNBOOK"] = new ErrorDefinitionOptions { Category = "Internal", Title = "Bad runbook.", RunbookUrl = "wiki/errors/bad" };
        options.Catalog["FTP_RUNBOOK"] = new ErrorDefinitionOptions { Category = "Internal", Title = "Bad runbook.", RunbookUrl = "ftp://example.com/runbook" };
        options.Catalog["BAD_SEVERITY"] = new ErrorDefinitionOptions { Category = "Internal", Title = "Bad severity.", Severity = "Loud" };
        options.Catalog["MANY_PROBLEMS"] = new ErrorDefinitionOptions { Category = "Nope", HttpStatus = 700 };

        var catalog = ErrorCatalogFactory.Create(options, null, out var errors);

        Assert.Equal(
            [
                "ErrorTelemetry:Catalog:db_timeout: invalid code: it contains 'd'; codes are UPPER_SNAKE_CASE (A-Z, 0-9 and '_'), 3 to 63 characters long, and start with a letter",
                $"ErrorTelemetry:Catalog:BAD_CATEGORY:Category 'Foo' is not a category; use one of {Categories}",
                "ErrorTelemetry:Catalog:NO_TITLE:Title is required for a new code",
                $"ErrorTelemetry:Catalog:NO_CATEGORY:Category is required for a new code; use one of {Categories}",
                "ErrorTelemetry:Catalog:BAD_STATUS:HttpStatus 302 is not an error status; use 400 to 599",
                "ErrorTelemetry:Catalog:BAD_RUNBOOK:RunbookUrl 'wiki/errors/bad' is not an absolute http or https URL",
                "ErrorTelemetry:Catalog:FTP_RUNBOOK:RunbookUrl 'ftp://example.com/runbook' is not an absolute http or https URL",
                "ErrorTelemetry:Catalog:BAD_SEVERITY:Severity 'Loud' is not a severity; use one of Info, Warning, Error, Critical",
                $"ErrorTelemetry:Catalog:MANY_PROBLEMS:Category 'Nope' is not a category; use one of {Categories}",
                "ErrorTelemetry:Catalog:MANY_PROBLEMS:Title is required for a new code",
                "ErrorTelemetry:Catalog:MANY_PROBLEMS:HttpStatus 700 is not an error status; use 400 to 599",
            ],
            errors);
        Assert.False(catalog.TryGet("BAD_STATUS", out _));
    }

    [Fact]
    public void Create_InvalidCodeDefinitionFields_ReportsThemAgainstTheField()
    {
        var options = new ErrorTelemetryOptions().AddDefinitions(typeof(BadFieldErrors));

        ErrorCatalogFactory.Create(options, null, out var errors);

        Assert.Equal(
            [
                "BadFieldErrors.Okay:HttpStatus 200 is not an error status; use 400 to 599",
                "BadFieldErrors.RelativeRunbook:RunbookUrl 'runbooks/x' is not an absolute http or https URL",
            ],
            errors);
    }

    [Fact]
    public void Create_ReplacedByUnknownCode_IsReportedAgainstTheEntryThatSetIt()
    {
        var options = new ErrorTelemetryOptions().AddDefinitions(typeof(OrderErrors));
        options.Catalog["ORDER_LOCKED"] = new ErrorDefinitionOptions { ReplacedBy = "ORDER_BUSY" };

        ErrorCatalogFactory.Create(options, null, out var errors);

        Assert.Equal(["ErrorTelemetry:Catalog:ORDER_LOCKED:ReplacedBy 'ORDER_BUSY' is not in the catalog"], errors);
    }

    [Fact]
    public void Create_ReplacedByAnEntryThatIsItselfInvalid_OnlyThatEntryIsReported()
    {
        var options = new ErrorTelemetryOptions().Map<TimeoutException>("PAYMENT_DECLINED");
        options.Catalog["PAYMENT_REFUSED"] = new ErrorDefinitionOptions { Category = "BusinessRule", Title = "Declined.", ReplacedBy = "PAYMENT_DECLINED" };
        options.Catalog["PAYMENT_DECLINED"] = new ErrorDefinitionOptions { Category = "Businessrules", Title = "Declined." };

        ErrorCatalogFactory.Create(options, null, out var errors);

        Assert.Equal(
            ["ErrorTelemetry:Catalog:PAYMENT_DECLINED:Category 'Businessrules' is not a category; use one of Validation, Authentication, Authorization, NotFound, Conflict, RateLimited, BusinessRule, Dependency, Connectivity, Timeout, Storage, Configuration, Internal, Cancelled"],
            errors);
    }

    [Fact]
    public void Create_ReplacedByChain_IsAcceptedAndDeprecates()
    {
        var options = new ErrorTelemetryOptions().AddDefinitions(typeof(OrderErrors));
        options.Catalog["ORDER_LOCKED"] = new ErrorDefinitionOptions { ReplacedBy = "ORDER_BUSY" };
        options.Catalog["ORDER_BUSY"] = new ErrorDefinitionOptions { Category = "Conflict", Title = "The order is busy.", ReplacedBy = "HTTP_CONFLICT" };

        var catalog = ErrorCatalogFactory.Create(options, null, out var errors);

        Assert.Empty(errors);
        Assert.True(catalog.Get("ORDER_LOCKED").IsDeprecated);
        Assert.Equal("ORDER_BUSY", catalog.Get("ORDER_LOCKED").ReplacedBy);
    }

    [Fact]
    public void Create_ReplacedByCycle_IsReportedOnce()
    {
        var options = new ErrorTelemetryOptions();
        options.Catalog["CODE_B"] = new ErrorDefinitionOptions { Category = "Internal", Title = "B.", ReplacedBy = "CODE_C" };
        options.Catalog["CODE_C"] = new ErrorDefinitionOptions { Category = "Internal", Title = "C.", ReplacedBy = "CODE_A" };
        options.Catalog["CODE_A"] = new ErrorDefinitionOptions { Category = "Internal", Title = "A.", ReplacedBy = "CODE_B" };
        options.Catalog["CODE_SELF"] = new ErrorDefinitionOptions { Category = "Internal", Title = "Self.", ReplacedBy = "CODE_SELF" };

        ErrorCatalogFactory.Create(options, null, out var errors);

        Assert.Equal(
            [
                "ErrorTelemetry:Catalog:CODE_A:ReplacedBy 'CODE_B' forms a cycle: CODE_A -> CODE_B -> CODE_C -> CODE_A; a replaced-by chain must end at a code that is not deprecated",
                "ErrorTelemetry:Catalog:CODE_SELF:ReplacedBy 'CODE_SELF' forms a cycle: CODE_SELF -> CODE_SELF; a replaced-by chain must end at a code that is not deprecated",
            ],
            errors);
    }

    [Fact]
    public void Create_MapRuleForUnknownOrInvalidCode_IsReportedNamingTheRule()
    {
        var options = new ErrorTelemetryOptions()
            .Map<TimeoutException>("ORDER_TIMEOUT")
            .Map<InvalidOperationException>("order-failed", e => e.Message.Length > 0)
            .Map<IOException>("STORAGE_IO");

        ErrorCatalogFactory.Create(options, null, out var errors);

        Assert.Equal(
            [
                "ErrorTelemetryOptions.Map<TimeoutException>(\"ORDER_TIMEOUT\"): the code 'ORDER_TIMEOUT' is not in the catalog; define it in code (AddDefinition) or under ErrorTelemetry:Catalog",
                "ErrorTelemetryOptions.Map<InvalidOperationException>(\"order-failed\", when): invalid code: it contains 'o'; codes are UPPER_SNAKE_CASE (A-Z, 0-9 and '_'), 3 to 63 characters long, and start with a letter",
            ],
            errors);
    }

    [Fact]
    public void Create_MapRuleForCodeDefinedInConfiguration_IsValid()
    {
        var options = new ErrorTelemetryOptions().Map<TimeoutException>("ORDER_TIMEOUT");
        options.Catalog["ORDER_TIMEOUT"] = new ErrorDefinitionOptions { Category = "Timeout", Title = "The order timed out." };

        ErrorCatalogFactory.Create(options, null, out var errors);

        Assert.Empty(errors);
    }

    [Fact]
    public void Create_MaxFailureSeriesBelowOne_IsReported()
    {
        var options = new ErrorTelemetryOptions { MaxFailureSeries = 0 };

        ErrorCatalogFactory.Create(options, null, out var errors);

        Assert.Equal(["ErrorTelemetry:MaxFailureSeries 0 must be at least 1"], errors);
    }

    [Fact]
    public void CreateOrThrow_Invalid_ThrowsOptionsValidationExceptionListingAllProblems()
    {
        var options = new ErrorTelemetryOptions().Map<TimeoutException>("ORDER_TIMEOUT");
        options.Catalog["db_timeout"] = new ErrorDefinitionOptions();

        var e = Assert.Throws<OptionsValidationException>(() => ErrorCatalogFactory.CreateOrThrow(options, null));

        Assert.Equal(2, e.Failures.Count());
        Assert.Equal(typeof(ErrorTelemetryOptions), e.OptionsType);
        Assert.Contains("ErrorTelemetry:Catalog:db_timeout: invalid code", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_CatalogFile_AddsAndOverridesDefinitions()
    {
        WriteFile("errors.json", """
            {
              "$schema": "https://example.com/catalog.schema.json",
              // Comments and trailing commas are allowed, as in appsettings.json.
              "INVENTORY_EXHAUSTED": { "category": "BusinessRule", "title": "The item is out of stock.", "httpStatus": 409, "retryable": false },
              "ORDER_NOT_FOUND": { "Owner": "team-orders", "RunbookUrl": "https://runbooks.example.com/orders" },
              "RATE_LIMITED": { "Severity": "Info", "Remediation": "Back off.", },
            }
            """);
        var options = new ErrorTelemetryOptions { CatalogFile = "errors.json" }.AddDefinitions(typeof(OrderErrors));

        var catalog = ErrorCatalogFactory.Create(options, _directory, out var errors);

        Assert.Empty(errors);
        Assert.Equal(ErrorCategory.BusinessRule, catalog.Get("INVENTORY_EXHAUSTED").Category);
        Assert.Equal(409, catalog.Get("INVENTORY_EXHAUSTED").HttpStatus);
        Assert.Equal("team-orders", catalog.Get("ORDER_NOT_FOUND").Owner);
        Assert.Equal(ErrorSeverity.Info, catalog.Get("RATE_LIMITED").Severity);
        Assert.Equal("Back off.", catalog.Get("RATE_LIMITED").Remediation);
    }

    [Fact]
    public void Create_TheReadmesCatalogFileExample_IsReadWithoutProblems()
    {
        var readme = File.ReadAllText(FindReadme());
        var start = readme.IndexOf("```json\n{\n  // errors.json", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no errors.json example");
        start += "```json\n".Length;
        WriteFile("errors.json", readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)]);
        var options = new ErrorTelemetryOptions { CatalogFile = "errors.json" };

        var catalog = ErrorCatalogFactory.Create(options, _directory, out var errors);

        Assert.Empty(errors);
        var declined = catalog.Get("PAYMENT_DECLINED");
        Assert.Equal(ErrorCategory.BusinessRule, declined.Category);
        Assert.Equal(402, declined.HttpStatus);
        Assert.Equal(ErrorSeverity.Warning, declined.Severity);
        Assert.Equal("payments-team", declined.Owner);
        Assert.Equal("PAYMENT_DECLINED", catalog.Get("PAYMENT_REFUSED").ReplacedBy);
    }

    [Fact]
    public void Create_CatalogFileAndConfigSection_SectionIsAppliedLast()
    {
        WriteFile("errors.json", """{ "INVENTORY_EXHAUSTED": { "Category": "BusinessRule", "Title": "Out of stock.", "Owner": "file-owner" } }""");
        var options = new ErrorTelemetryOptions { CatalogFile = Path.Combine(_directory, "errors.json") };
        options.Catalog["INVENTORY_EXHAUSTED"] = new ErrorDefinitionOptions { Owner = "section-owner" };

        var catalog = ErrorCatalogFactory.Create(options, contentRoot: "/nonexistent", out var errors);

        Assert.Empty(errors);
        Assert.Equal("section-owner", catalog.Get("INVENTORY_EXHAUSTED").Owner);
        Assert.Equal("Out of stock.", catalog.Get("INVENTORY_EXHAUSTED").Title);
    }

    [Fact]
    public void Create_CatalogFileWithByteOrderMark_IsRead()
    {
        File.WriteAllText(Path.Combine(_directory, "bom.json"), """{ "BOM_CODE": { "Category": "Internal", "Title": "Bom." } }""", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        var options = new ErrorTelemetryOptions { CatalogFile = "bom.json" };

        var catalog = ErrorCatalogFactory.Create(options, _directory, out var errors);

        Assert.Empty(errors);
        Assert.True(catalog.TryGet("BOM_CODE", out _));
    }

    [Fact]
    public void Create_MissingCatalogFile_NamesTheResolvedPath()
    {
        var options = new ErrorTelemetryOptions { CatalogFile = "config/missing.json" };

        ErrorCatalogFactory.Create(options, _directory, out var errors);

        Assert.Equal([$"ErrorTelemetry:CatalogFile: the catalog file '{Path.Combine(_directory, "config", "missing.json")}' does not exist"], errors);
    }

    [Fact]
    public void Create_UnreadableCatalogFile_NamesThePathAndReason()
    {
        var options = new ErrorTelemetryOptions { CatalogFile = "." };

        ErrorCatalogFactory.Create(options, _directory, out var errors);

        var error = Assert.Single(errors);
        Assert.StartsWith($"ErrorTelemetry:CatalogFile: the catalog file '{_directory}", error, StringComparison.Ordinal);
        Assert.Contains("' cannot be read: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_InvalidJsonCatalogFile_NamesPathLineAndByte()
    {
        var path = WriteFile("broken.json", "{\n  \"A_CODE\": { \"Category\": \"Internal\", },\n  \"B_CODE\": { \"Title\": }\n}");
        var options = new ErrorTelemetryOptions { CatalogFile = "broken.json" };

        ErrorCatalogFactory.Create(options, _directory, out var errors);

        Assert.Equal([$"ErrorTelemetry:CatalogFile: the catalog file '{path}' is not valid JSON at line 3, byte 24: '}}' is an invalid start of a value."], errors);
    }

    [Fact]
    public void Create_CatalogFileWithWrongShapes_ReportsEachEntry()
    {
        WriteFile("shapes.json", """
            {
              "NOT_AN_OBJECT": "Internal",
              "WRONG_TYPES": { "Category": 3, "Title": "Wrong types.", "HttpStatus": "404", "Retryable": "yes" },
              "FRACTIONAL": { "Category": "Internal", "Title": "Fractional.", "HttpStatus": 404.5 },
              "TYPO": { "Categroy": "Internal", "Title": "Typo." },
              "bad_code": { "Category": "Internal", "Title": "Bad code." },
              "GOOD_CODE": { "Category": "Internal", "Title": "Good." }
            }
            """);
        var options = new ErrorTelemetryOptions { CatalogFile = "shapes.json" };

        var catalog = ErrorCatalogFactory.Create(options, _directory, out var errors);

        Assert.Equal(
            [
                "shapes.json:NOT_AN_OBJECT: the entry must be a JSON object, not a string",
                "shapes.json:WRONG_TYPES:Category must be a string, not a number",
                "shapes.json:WRONG_TYPES:HttpStatus must be a whole number, not a string",
                "shapes.json:WRONG_TYPES:Retryable must be true or false, not a string",
                "shapes.json:FRACTIONAL:HttpStatus must be a whole number, not 404.5",
                "shapes.json:TYPO: unknown property 'Categroy'; use Category, Severity, Title, Description, HttpStatus, Retryable, Owner, RunbookUrl, Remediation or ReplacedBy",
                "shapes.json:bad_code: invalid code: it contains 'b'; codes are UPPER_SNAKE_CASE (A-Z, 0-9 and '_'), 3 to 63 characters long, and start with a letter",
            ],
            errors);
        Assert.True(catalog.TryGet("GOOD_CODE", out _));
    }

    [Fact]
    public void Create_CatalogFileNotAnObject_IsReported()
    {
        var path = WriteFile("array.json", """[ { "Category": "Internal" } ]""");
        var options = new ErrorTelemetryOptions { CatalogFile = "array.json" };

        ErrorCatalogFactory.Create(options, _directory, out var errors);

        Assert.Equal([$"ErrorTelemetry:CatalogFile: the catalog file '{path}' must hold a JSON object keyed by error code, not an array"], errors);
    }

    [Fact]
    public void Create_CatalogFileWithTheSameCodeTwice_IsReported()
    {
        WriteFile("twice.json", """{ "TWICE": { "Category": "Internal", "Title": "One." }, "TWICE": { "Title": "Two." } }""");
        var options = new ErrorTelemetryOptions { CatalogFile = "twice.json" };

        ErrorCatalogFactory.Create(options, _directory, out var errors);

        Assert.Equal(["twice.json:TWICE: the code appears more than once in the file"], errors);
    }

    [Fact]
    public void Create_CatalogFileEntryChangingCategory_ReportsConflictAgainstTheFile()
    {
        WriteFile("conflict.json", """{ "ORDER_NOT_FOUND": { "Category": "Internal" } }""");
        var options = new ErrorTelemetryOptions { CatalogFile = "conflict.json" }.AddDefinitions(typeof(OrderErrors));

        ErrorCatalogFactory.Create(options, _directory, out var errors);

        Assert.Equal(["conflict.json:ORDER_NOT_FOUND:Category 'Internal' conflicts with OrderErrors.OrderNotFound, which defines ORDER_NOT_FOUND as NotFound; configuration cannot change the category of a code"], errors);
    }

    private string WriteFile(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    internal static class OrderErrors
    {
        public static readonly ErrorDefinition OrderNotFound = new("ORDER_NOT_FOUND", ErrorCategory.NotFound, "The order was not found.");

        public static readonly ErrorDefinition Alias = OrderNotFound;

        public static readonly ErrorDefinition PaymentDeclined = new("PAYMENT_DECLINED", ErrorCategory.BusinessRule, "The payment was declined.");

        public static ErrorDefinition OrderLocked { get; } = new("ORDER_LOCKED", ErrorCategory.Conflict, "The order is being changed by someone else.");
    }

    internal static class DuplicateErrors
    {
        public static readonly ErrorDefinition OrderNotFound = new("ORDER_NOT_FOUND", ErrorCategory.NotFound, "The order was not found.");

        public static readonly ErrorDefinition MissingOrder = new("ORDER_NOT_FOUND", ErrorCategory.NotFound, "The order is missing.");
    }

    internal static class BadFieldErrors
    {
        public static readonly ErrorDefinition Okay = new("OKAY_CODE", ErrorCategory.Internal, "Okay.") { HttpStatus = 200 };

        public static readonly ErrorDefinition RelativeRunbook = new("RELATIVE_RUNBOOK", ErrorCategory.Internal, "Relative.") { RunbookUrl = new Uri("runbooks/x", UriKind.Relative) };
    }

    private static string FindReadme()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "README.md");
            if (File.Exists(Path.Combine(directory.FullName, "Telemetry.sln")) && File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("README.md not found above " + AppContext.BaseDirectory);
    }
}
