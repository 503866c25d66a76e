using System.Runtime.CompilerServices;
using ErrorTelemetry.Classification.Internal;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.Extensions.Logging;

namespace ErrorTelemetry.Tests.Failures;

// The recorded failure is found again through the process-wide table of exception facts, which forgets the oldest
// exception of a bucket that other tests fill with live exceptions in between (ExceptionFactsTests does on purpose):
// these tests run alone with those.
[Collection(nameof(ExceptionFactsTests))]
public sealed class FailureRecorderTests : IDisposable
{
    private readonly FailureCounter _counter = new(100, meterName: "ErrorTelemetry.Tests.FailureRecorder." + Guid.NewGuid().ToString("N"));

    public void Dispose() => _counter.Dispose();

    [Fact]
    public void ForException_SameExceptionAgain_ReturnsTheRecordedFailureWithoutWork()
    {
        // The span and the log record of one failure carry the same exception: it is classified and fingerprinted
        // (a stack walk) once, and the second signal only looks the failure up.
        var recorder = new FailureRecorder(new ExceptionClassifier(new ErrorCatalog(BuiltInErrors.All())), _counter);
        var exception = Thrown();
        var first = recorder.ForException(exception);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var second = recorder.ForException(exception);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Same(first, second);
        Assert.Equal(0, allocated);
        Assert.Equal(BuiltInErrors.OperationTimeout.Code, first.Definition.Code);
        Assert.Matches("^[0-9a-f]{16}$", first.Fingerprint);
    }

    [Fact]
    public void ForException_RunOfOneFailure_EachRecordCodedFingerprintedAndCountedAsTheFirst()
    {
        // Exceptions that print alike share one rendering, and their code and fingerprint come from the last one.
        using var p = new TelemetryPipeline();
        for (var i = 0; i < 3; i++)
        {
            p.Logger().LogError(new TimeoutException("The database did not answer."), "Order {OrderId} failed", i);
        }

        using var fresh = new TelemetryPipeline();
        fresh.Logger().LogError(new TimeoutException("The database did not answer."), "Order {OrderId} failed", 0);
        var expected = Assert.Single(fresh.Logs.Items).Attribute("error.fingerprint");

        Assert.Equal(3, p.Logs.Items.Count);
        Assert.All(p.Logs.Items, log =>
        {
            Assert.Equal("OPERATION_TIMEOUT", log.Attribute("error.code"));
            Assert.Equal(expected, log.Attribute("error.fingerprint"));
            Assert.Null(log.Attribute("error.cause.code"));
        });
        Assert.Equal(3, p.FailureCount("OPERATION_TIMEOUT"));
    }

    [Fact]
    public void ForException_RunOfOneTypeWhoseRuleReadsTheStatus_EachClassifiedByItsOwnStatus()
    {
        // Same type, message and throw site, so the same rendering: the built-in rule reads the status of each one.
        using var p = new TelemetryPipeline();
        p.Logger().LogError(ThrownHttp(System.Net.HttpStatusCode.NotFound), "Call failed");
        p.Logger().LogError(ThrownHttp(System.Net.HttpStatusCode.BadGateway), "Call failed");

        Assert.Equal(["DEPENDENCY_HTTP_CLIENT_ERROR", "DEPENDENCY_HTTP_SERVER_ERROR"], p.Logs.Items.Select(l => l.Attribute("error.code")));
        Assert.Equal(1, p.FailureCount("DEPENDENCY_HTTP_CLIENT_ERROR"));
        Assert.Equal(1, p.FailureCount("DEPENDENCY_HTTP_SERVER_ERROR"));
    }

    [Fact]
    public void ForException_RunOfOneTypeWithAUserRule_EachMatchedByThePredicate()
    {
        var declined = new ErrorDefinition("PAYMENT_DECLINED", ErrorCategory.BusinessRule, "The payment was declined.");
        using var p = new TelemetryPipeline(o => o.AddDefinition(declined).Map<InvalidOperationException>("PAYMENT_DECLINED", e => e.HResult == 42));
        p.Logger().LogError(new InvalidOperationException("Checkout failed."), "Checkout failed");
        p.Logger().LogError(new InvalidOperationException("Checkout failed.") { HResult = 42 }, "Checkout failed");
        p.Logger().LogError(new InvalidOperationException("Checkout failed."), "Checkout failed");

        Assert.Equal(["UNCLASSIFIED", "PAYMENT_DECLINED", "UNCLASSIFIED"], p.Logs.Items.Select(l => l.Attribute("error.code")));
    }

    [Fact]
    public void ForException_RunOfOneFailureThenOneWithACauseInItsData_CauseExported()
    {
        using var p = new TelemetryPipeline();
        var withCause = new TimeoutException("The database did not answer.");
        withCause.Data[ExceptionDataKeys.CauseCode] = "UPSTREAM_DOWN";
        p.Logger().LogError(new TimeoutException("The database did not answer."), "Order failed");
        p.Logger().LogError(withCause, "Order failed");

        Assert.Equal([null, "UPSTREAM_DOWN"], p.Logs.Items.Select(l => l.Attribute("error.cause.code")));
        Assert.Equal(2, p.FailureCount("OPERATION_TIMEOUT"));
    }

    [Fact]
    public void ForException_RunOfOneFailureThenOneWithContextThenAPlainOne_ContextExportedOnlyWithItsOwnRecord()
    {
        // The log path asks once whether the exception's data is unset, for its context attributes and its run of one.
        using var p = new TelemetryPipeline();
        p.Logger().LogError(new TimeoutException("The database did not answer."), "Order failed");
        p.Logger().LogError(new TimeoutException("The database did not answer.").WithContext("order_id", 42L), "Order failed");
        p.Logger().LogError(new TimeoutException("The database did not answer."), "Order failed");

        Assert.Equal([null, 42L, null], p.Logs.Items.Select(l => l.Attribute("error.context.order_id")));
        Assert.All(p.Logs.Items, log => Assert.Equal("OPERATION_TIMEOUT", log.Attribute("error.code")));
        Assert.Single(p.Logs.Items.Select(l => l.Attribute("error.fingerprint")).Distinct());
        Assert.Equal(3, p.FailureCount("OPERATION_TIMEOUT"));
    }

    [Fact]
    public void ExceptionAttributes_LoneExceptions_ContextAndDetailsExportedAndNoneForAPlainOne()
    {
        var declined = new ErrorDefinition("PAYMENT_DECLINED", ErrorCategory.BusinessRule, "The payment was declined.");
        using var p = new TelemetryPipeline(o => o.AddDefinition(declined));
        p.Logger().LogError(new TimeoutException("slow").WithContext("order_id", 42L), "Order failed");
        p.Logger().LogError(declined.ToException().WithDetail("attempt", 3L), "Payment failed");
        p.Logger().LogError(new TimeoutException("slow"), "Order failed");

        Assert.Equal(42L, p.Logs.Items[0].Attribute("error.context.order_id"));
        Assert.Equal(3L, p.Logs.Items[1].Attribute("error.detail.attempt"));
        Assert.DoesNotContain(p.Logs.Items[2].Attributes.Keys, k => k.StartsWith("error.context.", StringComparison.Ordinal) || k.StartsWith("error.detail.", StringComparison.Ordinal));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static HttpRequestException ThrownHttp(System.Net.HttpStatusCode status)
    {
        try
        {
            throw new HttpRequestException("The call failed.", null, status);
        }
        catch (HttpRequestException e)
        {
            return e;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TimeoutException Thrown()
    {
        try
        {
            throw new TimeoutException("The database did not answer.");
        }
        catch (TimeoutException e)
        {
            return e;
        }
    }
}
