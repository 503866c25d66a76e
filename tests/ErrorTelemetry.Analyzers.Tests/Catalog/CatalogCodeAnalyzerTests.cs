using System.Reflection;
using ErrorTelemetry.Analyzers.Catalog;
using ErrorTelemetry.Analyzers.Tests.TestSupport;

namespace ErrorTelemetry.Analyzers.Tests.Catalog;

public sealed class CatalogCodeAnalyzerTests
{
    private const string Definitions = """

        public static class ShopErrors
        {
            public static readonly ErrorDefinition OrderNotFound = new("ORDER_NOT_FOUND", ErrorCategory.NotFound, "The order does not exist.");
            public static readonly ErrorDefinition OrderMissing = new("ORDER_MISSING", ErrorCategory.NotFound, "The order does not exist.") { ReplacedBy = "ORDER_NOT_FOUND" };
        }
        """;

    private static readonly (string, string) CatalogFile = ("/app/errors.catalog.json", """
        {
          "$schema": "./errortelemetry.catalog.schema.json",
          // comments and trailing commas, as the host allows
          "PAYMENT_DECLINED": { "Category": "BusinessRule", "Title": "Declined \u0021", "Retryable": false, },
          "PAYMENT_REFUSED": { "Category": "BusinessRule", "Title": "Refused", "ReplacedBy": "PAYMENT_DECLINED" },
        }
        """);

    [Fact]
    public Task Analyze_UnknownAndDeprecatedCodes_Report() =>
        Verify.AnalyzerAsync<CatalogCodeAnalyzer>("""
            using System;
            using ErrorTelemetry;
            class Startup
            {
                void Configure(ErrorTelemetryOptions o, ErrorCatalog catalog)
                {
                    o.Map<TimeoutException>({|ET0005:"ORDER_TIMEOUT"|});
                    o.Map<InvalidOperationException>({|ET0006:"ORDER_MISSING"|});
                    o.Map<ArgumentException>({|ET0006:"PAYMENT_REFUSED"|});
                    _ = catalog.Get({|ET0005:"NO_SUCH_CODE"|});
                    throw {|ET0006:ShopErrors.OrderMissing|}.ToException();
                }
            }
            public static class More
            {
                public static readonly ErrorDefinition Gone = new("GONE", ErrorCategory.NotFound, "Gone.") { ReplacedBy = {|ET0005:"NOWHERE"|} };
            }
            """ + Definitions, CatalogFile);

    [Fact]
    public Task Analyze_CataloguedCodes_StaySilent() =>
        Verify.AnalyzerAsync<CatalogCodeAnalyzer>("""
            using System;
            using ErrorTelemetry;
            class Startup
            {
                void Configure(ErrorTelemetryOptions o, ErrorCatalog catalog)
                {
                    o.Map<TimeoutException>("ORDER_NOT_FOUND");
                    o.Map<ArgumentException>("PAYMENT_DECLINED");
                    o.Map<InvalidOperationException>("DEPENDENCY_TIMEOUT");
                    _ = catalog.TryGet("UNCLASSIFIED", out _);
                    throw ShopErrors.OrderNotFound.ToException();
                }
            }
            """ + Definitions, CatalogFile);

    [Fact]
    public Task Analyze_CodesAddedInAppsettings_AreCatalogued() =>
        Verify.AnalyzerAsync<CatalogCodeAnalyzer>("""
            using System;
            using ErrorTelemetry;
            class Startup
            {
                void Configure(ErrorTelemetryOptions o)
                {
                    o.Map<TimeoutException>("PAYMENT_TIMEOUT");
                    o.Map<ArgumentException>({|ET0006:"PAYMENT_SLOW"|});
                    o.Map<InvalidOperationException>({|ET0005:"PAYMENT_GONE"|});
                }
            }
            """ + Definitions,
            ("/app/appsettings.Production.json", """
                {
                  "Logging": { "LogLevel": { "Default": "Information" } },
                  "ErrorTelemetry": {
                    "ServiceName": "shop",
                    "Catalog": {
                      "PAYMENT_TIMEOUT": { "Category": "Timeout", "Title": "Slow." },
                      "PAYMENT_SLOW": { "Category": "Timeout", "Title": "Slow.", "ReplacedBy": "PAYMENT_TIMEOUT" }
                    }
                  }
                }
                """));

    [Fact]
    public Task Analyze_ProjectThatSeesNoCatalog_DoesNotCallCodesUnknown() =>
        Verify.AnalyzerAsync<CatalogCodeAnalyzer>("""
            using System;
            using ErrorTelemetry;
            class Startup
            {
                void Configure(ErrorTelemetryOptions o) => o.Map<TimeoutException>("DEFINED_IN_APPSETTINGS");
            }
            """);

    [Fact]
    public Task CodeFix_DeprecatedCodeString_UsesItsReplacement() =>
        Verify.CodeFixAsync<CatalogCodeAnalyzer, DeprecatedCodeFix>(
            """
            using System;
            using ErrorTelemetry;
            class Startup
            {
                void Configure(ErrorTelemetryOptions o) => o.Map<InvalidOperationException>({|ET0006:"ORDER_MISSING"|});
            }
            """ + Definitions,
            """
            using System;
            using ErrorTelemetry;
            class Startup
            {
                void Configure(ErrorTelemetryOptions o) => o.Map<InvalidOperationException>("ORDER_NOT_FOUND");
            }
            """ + Definitions);

    [Fact]
    public void BuiltInCodes_All_AreTheLibrarysBuiltInErrors()
    {
        // BuiltInErrors.All() is internal to the library; its public static fields are the same definitions.
        var library = typeof(BuiltInErrors)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(ErrorDefinition))
            .Select(f => ((ErrorDefinition)f.GetValue(null)!).Code)
            .Order(StringComparer.Ordinal);

        Assert.Equal(library, BuiltInCodes.All.Order(StringComparer.Ordinal));
    }
}
