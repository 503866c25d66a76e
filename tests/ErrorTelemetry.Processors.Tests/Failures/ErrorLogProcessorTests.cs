using ErrorTelemetry.Tests.TestSupport;
using Microsoft.Extensions.Logging;

namespace ErrorTelemetry.Tests.Failures;

public class ErrorLogProcessorTests
{
    [Fact]
    public void OnEnd_InformationRecord_Untouched()
    {
        using var p = new TelemetryPipeline();
        p.Logger().LogInformation("Order {OrderId} shipped", 42);

        var log = Assert.Single(p.Logs.Items);
        Assert.Null(log.Attribute("error.code"));
        Assert.Equal(42, log.Attribute("OrderId"));
        Assert.Equal(0, p.FailureCount());
    }

    [Fact]
    public void OnEnd_RecordWithException_CodedAndCounted()
    {
        using var p = new TelemetryPipeline();
        p.Logger().LogWarning(new TimeoutException("slow"), "Retrying order {OrderId}", 7);

        var log = Assert.Single(p.Logs.Items);
        Assert.Equal("OPERATION_TIMEOUT", log.Attribute("error.code"));
        Assert.Equal("timeout", log.Attribute("error.category"));
        Assert.Equal("error", log.Attribute("error.severity"));
        Assert.Equal(7, log.Attribute("OrderId"));
        Assert.Matches("^[0-9a-f]{16}$", Assert.IsType<string>(log.Attribute("error.fingerprint")));
        Assert.Equal(1, p.FailureCount("OPERATION_TIMEOUT"));
    }

    [Fact]
    public void OnEnd_ErrorRecordWithoutExceptionInsideFailedSpan_SameCodeCountedOnce()
    {
        using var p = new TelemetryPipeline();
        using (var a = p.Source.StartActivity("op"))
        {
            a!.AddException(new TimeoutException());
            using (var child = p.Source.StartActivity("child"))
            {
                child!.AddException(new TimeoutException("first"));
            }

            p.Logger().LogError("The operation failed");
        }

        var log = Assert.Single(p.Logs.Items);
        Assert.Equal("OPERATION_TIMEOUT", log.Attribute("error.code"));
        Assert.Equal(p.Span("op").TraceId, log.TraceId);
    }

    [Fact]
    public void OnEnd_ErrorRecordWithExplicitCode_UsesCatalogDefinition()
    {
        var outOfStock = new ErrorDefinition("INVENTORY_OUT_OF_STOCK", ErrorCategory.BusinessRule, "The item is out of stock.");
        using var p = new TelemetryPipeline(o => o.AddDefinition(outOfStock));
        p.Logger().LogError("Stock check failed {error.code}", "INVENTORY_OUT_OF_STOCK");

        var log = Assert.Single(p.Logs.Items);
        Assert.Equal("INVENTORY_OUT_OF_STOCK", log.Attribute("error.code"));
        Assert.Equal("business_rule", log.Attribute("error.category"));
        Assert.Equal(1, p.FailureCount("INVENTORY_OUT_OF_STOCK"));
    }

    [Fact]
    public void OnEnd_ErrorRecordWithoutAnySignal_Unclassified()
    {
        using var p = new TelemetryPipeline();
        p.Logger().LogCritical("Something is wrong");

        Assert.Equal("UNCLASSIFIED", Assert.Single(p.Logs.Items).Attribute("error.code"));
        Assert.Equal(1, p.FailureCount("UNCLASSIFIED"));
    }
}
