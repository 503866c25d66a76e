using ErrorTelemetry.Tests.TestSupport;
using Microsoft.Extensions.Logging;

namespace ErrorTelemetry.Tests.Failures;

public class ErrorLogProcessorTests
{
    private static readonly ErrorDefinition PaymentDeclined = new("PAYMENT_DECLINED", ErrorCategory.BusinessRule, "The payment was declined.");

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
    public void OnEnd_RecordWithExceptionAndExplicitCode_StatedCodeWinsAndOwnErrorAttributesReplaced()
    {
        var outOfStock = new ErrorDefinition("INVENTORY_OUT_OF_STOCK", ErrorCategory.BusinessRule, "The item is out of stock.");
        using var p = new TelemetryPipeline(o => o.AddDefinition(outOfStock));
        p.Logger().LogError(new TimeoutException("slow"), "Stock check {error.code} for {Sku} ({error.category})", "INVENTORY_OUT_OF_STOCK", "A-1", "mine");

        var log = Assert.Single(p.Logs.Items);
        Assert.Equal("INVENTORY_OUT_OF_STOCK", log.Attribute("error.code"));
        Assert.Equal("business_rule", log.Attribute("error.category"));
        Assert.Equal("A-1", log.Attribute("Sku"));
        Assert.DoesNotContain(log.Attributes.Values, v => Equals(v, "mine"));
        Assert.Equal(1, p.FailureCount("INVENTORY_OUT_OF_STOCK"));
        Assert.Equal(0, p.FailureCount("OPERATION_TIMEOUT"));
    }

    [Fact]
    public void OnEnd_ErrorRecordWithoutAnySignal_ExportedAsWrittenAndNotCounted()
    {
        using var p = new TelemetryPipeline();
        p.Logger().LogCritical("Something is wrong");

        var log = Assert.Single(p.Logs.Items);
        Assert.Null(log.Attribute("error.code"));
        Assert.Null(log.Attribute("error.type"));
        Assert.Equal(0, p.FailureCount());
    }

    [Fact]
    public void OnEnd_ErrorRecordWithoutAnySignalCountingOptedIn_CountedUnclassified()
    {
        using var p = new TelemetryPipeline(o => o.CountUncodedErrorLogs = true);
        p.Logger().LogCritical("Something is wrong");

        Assert.Equal("UNCLASSIFIED", Assert.Single(p.Logs.Items).Attribute("error.code"));
        Assert.Equal(1, p.FailureCount("UNCLASSIFIED"));
        Assert.Equal(1, p.FailureCount());
    }

    [Fact]
    public void OnEnd_ErrorRecordWhoseEventNameIsACode_CodedAndCounted()
    {
        using var p = new TelemetryPipeline(o => o.AddDefinition(PaymentDeclined));
        p.Logger().LogError(new EventId(7, "PAYMENT_DECLINED"), "The card of order {OrderId} was declined", 42);

        var log = Assert.Single(p.Logs.Items);
        Assert.Equal("PAYMENT_DECLINED", log.Attribute("error.code"));
        Assert.Equal("business_rule", log.Attribute("error.category"));
        Assert.Equal(42, log.Attribute("OrderId"));
        Assert.Equal(1, p.FailureCount("PAYMENT_DECLINED"));
        Assert.Equal(1, p.FailureCount());
    }

    [Fact]
    public void OnEnd_ErrorRecordWhoseEventNameIsNotACode_NotCounted()
    {
        using var p = new TelemetryPipeline(o => o.AddDefinition(PaymentDeclined));
        p.Logger().LogError(new EventId(8, "PaymentRetryScheduled"), "Retrying the payment");

        Assert.Null(Assert.Single(p.Logs.Items).Attribute("error.code"));
        Assert.Equal(0, p.FailureCount());
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 1)]
    public void OnEnd_UncodedErrorRecordThenCodedExceptionInOneSpan_TheExceptionsCodeIsCountedOnce(bool countUncoded, long unclassified)
    {
        using var p = new TelemetryPipeline(o => o.AddDefinition(PaymentDeclined).CountUncodedErrorLogs = countUncoded);
        using (var span = p.Source.StartActivity("checkout"))
        {
            p.Logger().LogError("The payment provider refused the card");
            span!.AddException(PaymentDeclined.ToException());
        }

        Assert.Equal("PAYMENT_DECLINED", p.Span("checkout").Tag("error.code"));
        Assert.Equal(1, p.FailureCount("PAYMENT_DECLINED"));
        Assert.Equal(unclassified, p.FailureCount("UNCLASSIFIED"));
    }
}
