using System.Reflection;
using ErrorTelemetry.Catalog.Internal;

namespace ErrorTelemetry.Tests.Catalog;

public class BuiltInErrorsTests
{
    [Fact]
    public void All_ListsEveryPublicField_InDeclarationOrder()
    {
        var fields = typeof(BuiltInErrors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(ErrorDefinition))
            .Select(f => (ErrorDefinition)f.GetValue(null)!)
            .ToList();

        Assert.Equal(35, fields.Count);
        Assert.Equal(fields, BuiltInErrors.All());
    }

    [Fact]
    public void All_CodesFollowTheCodeRuleAndAreUnique()
    {
        var codes = BuiltInErrors.All().Select(d => d.Code).ToList();

        Assert.All(codes, c => Assert.Null(ErrorCodeRule.Check(c)));
        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void All_EveryDefinitionHasTitleDescriptionAndAnErrorStatus()
    {
        Assert.All(BuiltInErrors.All(), d =>
        {
            Assert.False(string.IsNullOrWhiteSpace(d.Title));
            Assert.EndsWith(".", d.Title, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(d.Description));
            Assert.InRange(d.HttpStatus, 400, 599);
        });
    }

    [Fact]
    public void All_IsReadOnly()
    {
        var all = Assert.IsAssignableFrom<IList<ErrorDefinition>>(BuiltInErrors.All());

        Assert.True(all.IsReadOnly);
        Assert.Throws<NotSupportedException>(() => all[0] = BuiltInErrors.RateLimited);
    }

    [Theory]
    [InlineData("UNCLASSIFIED", ErrorCategory.Internal, 500, false, ErrorSeverity.Error)]
    [InlineData("OPERATION_TIMEOUT", ErrorCategory.Timeout, 504, true, ErrorSeverity.Error)]
    [InlineData("REQUEST_CANCELLED", ErrorCategory.Cancelled, 499, false, ErrorSeverity.Info)]
    [InlineData("DEPENDENCY_TIMEOUT", ErrorCategory.Timeout, 504, true, ErrorSeverity.Error)]
    [InlineData("DEPENDENCY_HTTP_CLIENT_ERROR", ErrorCategory.Dependency, 502, false, ErrorSeverity.Error)]
    [InlineData("DEPENDENCY_HTTP_SERVER_ERROR", ErrorCategory.Dependency, 502, true, ErrorSeverity.Error)]
    [InlineData("DEPENDENCY_HTTP_FAILURE", ErrorCategory.Dependency, 502, false, ErrorSeverity.Error)]
    [InlineData("DEPENDENCY_RESILIENCE_TIMEOUT", ErrorCategory.Timeout, 504, true, ErrorSeverity.Error)]
    [InlineData("DEPENDENCY_CIRCUIT_OPEN", ErrorCategory.Dependency, 503, true, ErrorSeverity.Error)]
    [InlineData("DEPENDENCY_RATE_LIMITED", ErrorCategory.Dependency, 503, true, ErrorSeverity.Error)]
    [InlineData("CONNECTIVITY_DNS", ErrorCategory.Connectivity, 503, false, ErrorSeverity.Error)]
    [InlineData("CONNECTIVITY_SOCKET", ErrorCategory.Connectivity, 503, true, ErrorSeverity.Error)]
    [InlineData("VALIDATION_MALFORMED_JSON", ErrorCategory.Validation, 400, false, ErrorSeverity.Warning)]
    [InlineData("VALIDATION_FORMAT", ErrorCategory.Validation, 400, false, ErrorSeverity.Warning)]
    [InlineData("VALIDATION_FAILED", ErrorCategory.Validation, 400, false, ErrorSeverity.Warning)]
    [InlineData("INVALID_ARGUMENT", ErrorCategory.Internal, 500, false, ErrorSeverity.Error)]
    [InlineData("STORAGE_DATABASE", ErrorCategory.Storage, 503, false, ErrorSeverity.Error)]
    [InlineData("STORAGE_DATABASE_TRANSIENT", ErrorCategory.Storage, 503, true, ErrorSeverity.Error)]
    [InlineData("STORAGE_IO", ErrorCategory.Storage, 503, false, ErrorSeverity.Error)]
    [InlineData("ACCESS_DENIED", ErrorCategory.Authorization, 403, false, ErrorSeverity.Warning)]
    [InlineData("CONFIGURATION_INVALID", ErrorCategory.Configuration, 500, false, ErrorSeverity.Critical)]
    [InlineData("NOT_IMPLEMENTED", ErrorCategory.Internal, 501, false, ErrorSeverity.Error)]
    [InlineData("HTTP_BAD_REQUEST", ErrorCategory.Validation, 400, false, ErrorSeverity.Warning)]
    [InlineData("AUTHENTICATION_REQUIRED", ErrorCategory.Authentication, 401, false, ErrorSeverity.Warning)]
    [InlineData("HTTP_FORBIDDEN", ErrorCategory.Authorization, 403, false, ErrorSeverity.Warning)]
    [InlineData("HTTP_NOT_FOUND", ErrorCategory.NotFound, 404, false, ErrorSeverity.Info)]
    [InlineData("HTTP_METHOD_NOT_ALLOWED", ErrorCategory.Validation, 405, false, ErrorSeverity.Warning)]
    [InlineData("HTTP_NOT_ACCEPTABLE", ErrorCategory.Validation, 406, false, ErrorSeverity.Warning)]
    [InlineData("HTTP_CONFLICT", ErrorCategory.Conflict, 409, false, ErrorSeverity.Warning)]
    [InlineData("HTTP_PAYLOAD_TOO_LARGE", ErrorCategory.Validation, 413, false, ErrorSeverity.Warning)]
    [InlineData("HTTP_UNSUPPORTED_MEDIA_TYPE", ErrorCategory.Validation, 415, false, ErrorSeverity.Warning)]
    [InlineData("HTTP_CLIENT_ERROR", ErrorCategory.Validation, 400, false, ErrorSeverity.Warning)]
    [InlineData("RATE_LIMITED", ErrorCategory.RateLimited, 429, true, ErrorSeverity.Warning)]
    [InlineData("HTTP_SERVER_ERROR", ErrorCategory.Internal, 500, false, ErrorSeverity.Error)]
    [InlineData("SERVICE_UNAVAILABLE", ErrorCategory.Internal, 503, true, ErrorSeverity.Error)]
    public void Definition_HasSpecifiedCategoryStatusRetryableAndSeverity(string code, ErrorCategory category, int status, bool retryable, ErrorSeverity severity)
    {
        var definition = Assert.Single(BuiltInErrors.All(), d => d.Code == code);

        Assert.Equal(category, definition.Category);
        Assert.Equal(status, definition.HttpStatus);
        Assert.Equal(retryable, definition.Retryable);
        Assert.Equal(severity, definition.Severity);
        Assert.Equal(status >= 500, definition.IsServerFault);
    }
}
