using System.Text.RegularExpressions;
using ErrorTelemetry.Tool.Docs;
using ErrorTelemetry.Tool.Tests.TestSupport;

namespace ErrorTelemetry.Tool.Tests.Docs;

public sealed class ErrorReferenceTests
{
    [Fact]
    public void Render_StorefrontCatalog_OneAnchoredSectionPerCode()
    {
        var catalog = ExampleCatalogs.Storefront();

        var markdown = ErrorReference.Render(catalog);

        var anchors = Regex.Matches(markdown, "<a id=\"([A-Z0-9_]+)\"></a>\n#### ([A-Z0-9_]+)\n").Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
        Assert.Equal(catalog.Select(d => (d.Code, d.Code)).Order(), anchors.Order());
    }

    [Fact]
    public void Render_StorefrontCatalog_GroupsByOwnerThenCategoryWithEveryField()
    {
        var markdown = ErrorReference.Render(ExampleCatalogs.Storefront());

        // The owner's section holds the category heading, which holds the code with its fields.
        var owner = markdown.IndexOf("\n## storefront-dba\n", StringComparison.Ordinal);
        var category = markdown.IndexOf("\n### Timeout\n", owner, StringComparison.Ordinal);
        var section = markdown.IndexOf("#### DEPENDENCY_DB_TIMEOUT", category, StringComparison.Ordinal);
        Assert.True(owner > 0 && category > owner && section > category, markdown);
        var end = markdown.IndexOf("\n## ", section, StringComparison.Ordinal);
        var text = markdown[section..end];
        Assert.Contains("The service is temporarily slow. Please try again.", text, StringComparison.Ordinal);
        Assert.Contains("| Severity | critical |", text, StringComparison.Ordinal);
        Assert.Contains("| HTTP status | 504 |", text, StringComparison.Ordinal);
        Assert.Contains("| Retryable | yes |", text, StringComparison.Ordinal);
        Assert.Contains("| Runbook | <https://runbooks.example.com/storefront/db-timeout> |", text, StringComparison.Ordinal);
        Assert.Contains("| Remediation | Look for blocking queries", text, StringComparison.Ordinal);
        Assert.True(markdown.IndexOf("\n## No owner\n", StringComparison.Ordinal) > markdown.LastIndexOf("\n## storefront-team\n", StringComparison.Ordinal), "owned codes come before the unowned built-ins");
    }

    [Fact]
    public void Render_DeprecatedCode_LinksItsReplacementsAnchor()
    {
        ErrorDefinition[] catalog =
        [
            new("ORDER_MISSING", ErrorCategory.NotFound, "Gone | moved.") { ReplacedBy = "ORDER_NOT_FOUND" },
            new("ORDER_NOT_FOUND", ErrorCategory.NotFound, "The order does not exist."),
        ];

        var markdown = ErrorReference.Render(catalog);

        Assert.Contains("| Deprecated | replaced by [ORDER_NOT_FOUND](#ORDER_NOT_FOUND) |", markdown, StringComparison.Ordinal);
        Assert.Contains("Gone \\| moved.", markdown, StringComparison.Ordinal);
    }
}
