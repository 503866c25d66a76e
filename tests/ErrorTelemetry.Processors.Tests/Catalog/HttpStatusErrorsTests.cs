using ErrorTelemetry.Catalog.Internal;

namespace ErrorTelemetry.Tests.Catalog;

public class HttpStatusErrorsTests
{
    [Theory]
    [InlineData(400, "HTTP_BAD_REQUEST")]
    [InlineData(401, "AUTHENTICATION_REQUIRED")]
    [InlineData(403, "HTTP_FORBIDDEN")]
    [InlineData(404, "HTTP_NOT_FOUND")]
    [InlineData(405, "HTTP_METHOD_NOT_ALLOWED")]
    [InlineData(406, "HTTP_NOT_ACCEPTABLE")]
    [InlineData(409, "HTTP_CONFLICT")]
    [InlineData(413, "HTTP_PAYLOAD_TOO_LARGE")]
    [InlineData(415, "HTTP_UNSUPPORTED_MEDIA_TYPE")]
    [InlineData(429, "RATE_LIMITED")]
    [InlineData(499, "REQUEST_CANCELLED")]
    [InlineData(408, "HTTP_CLIENT_ERROR")]
    [InlineData(410, "HTTP_CLIENT_ERROR")]
    [InlineData(422, "HTTP_CLIENT_ERROR")]
    [InlineData(500, "HTTP_SERVER_ERROR")]
    [InlineData(502, "DEPENDENCY_HTTP_SERVER_ERROR")]
    [InlineData(503, "SERVICE_UNAVAILABLE")]
    [InlineData(504, "DEPENDENCY_TIMEOUT")]
    [InlineData(507, "HTTP_SERVER_ERROR")]
    [InlineData(599, "HTTP_SERVER_ERROR")]
    public void ForStatus_FailedStatus_ReturnsSpecificOrFamilyDefinition(int status, string code)
    {
        Assert.Equal(code, HttpStatusErrors.ForStatus(status)?.Code);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(204)]
    [InlineData(304)]
    [InlineData(399)]
    public void ForStatus_NotAFailure_ReturnsNull(int status)
    {
        Assert.Null(HttpStatusErrors.ForStatus(status));
    }

    [Fact]
    public void ForStatus_WithCatalog_ReturnsTheCatalogsOverriddenDefinition()
    {
        var options = new ErrorTelemetryOptions();
        options.Catalog["RATE_LIMITED"] = new ErrorDefinitionOptions { Owner = "edge-team" };
        var catalog = ErrorCatalogFactory.CreateOrThrow(options, null);

        var definition = HttpStatusErrors.ForStatus(catalog, 429);

        Assert.Equal("edge-team", definition?.Owner);
        Assert.Null(BuiltInErrors.RateLimited.Owner);
        Assert.Null(HttpStatusErrors.ForStatus(catalog, 200));
    }
}
