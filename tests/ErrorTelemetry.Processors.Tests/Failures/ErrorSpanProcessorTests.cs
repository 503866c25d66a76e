using System.Diagnostics;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Tests.Failures;

public class ErrorSpanProcessorTests
{
    private static readonly ErrorDefinition OrderNotFound = new("ORDER_NOT_FOUND", ErrorCategory.NotFound, "The order does not exist.");
    private static readonly ErrorDefinition PaymentDeclined = new("PAYMENT_DECLINED", ErrorCategory.BusinessRule, "The payment was declined.") { Owner = "payments" };

    [Fact]
    public void OnEnd_SuccessfulSpan_NoErrorAttributesAndNothingCounted()
    {
        using var p = new TelemetryPipeline();
        using (var a = p.Source.StartActivity("work"))
        {
            a!.SetTag("http.response.status_code", 200);
        }

        var span = p.Span("work");
        Assert.DoesNotContain(span.Tags.Keys, k => k.StartsWith("error.", StringComparison.Ordinal));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Equal(0, p.FailureCount());
    }

    [Fact]
    public async Task OnEnd_CodedExceptionUnwindsThroughApplicationSpans_EachFailedWithTheCodeCountedOnce()
    {
        using var p = new TelemetryPipeline();
        async Task CheckoutAsync()
        {
            using var checkout = p.Source.StartActivity("checkout");
            await Task.Yield();
            using var reserve = p.Source.StartActivity("reserve");
            throw new CodedException(PaymentDeclined, "Declined for jane@example.com");
        }

        using (var request = p.Source.StartActivity("request"))
        {
            await Assert.ThrowsAsync<CodedException>(CheckoutAsync);
        }

        foreach (var name in new[] { "reserve", "checkout" })
        {
            var span = p.Span(name);
            Assert.Equal("PAYMENT_DECLINED", span.Tag("error.code"));
            Assert.Equal("PAYMENT_DECLINED", span.Tag("error.type"));
            Assert.Equal(ActivityStatusCode.Error, span.Status);
            Assert.Single(span.Events, e => e.Name == "exception");
        }

        // Caught before the request span ended: the request itself did not fail.
        Assert.DoesNotContain(p.Span("request").Tags.Keys, k => k == "error.code");
        Assert.Equal(1, p.FailureCount("PAYMENT_DECLINED"));
    }

    [Fact]
    public void OnEnd_ExceptionCaughtInsideTheSpan_SpanNotFailed()
    {
        using var p = new TelemetryPipeline();
        using (p.Source.StartActivity("retrying"))
        {
            try
            {
                throw new CodedException(PaymentDeclined);
            }
            catch (CodedException)
            {
                // Handled: the operation goes on and succeeds.
            }
        }

        try
        {
            throw new InvalidOperationException("outer");
        }
        catch (InvalidOperationException)
        {
            // A span that starts and ends inside the handling of an exception did not fail because of it.
            using (p.Source.StartActivity("compensating"))
            {
            }
        }

        Assert.DoesNotContain(p.Span("retrying").Tags.Keys, k => k.StartsWith("error.", StringComparison.Ordinal));
        Assert.DoesNotContain(p.Span("compensating").Tags.Keys, k => k.StartsWith("error.", StringComparison.Ordinal));
        Assert.Equal(0, p.FailureCount());
    }

    [Fact]
    public void OnEnd_ExceptionRecorded_CodeAttributesStatusTitleAndOneExceptionEvent()
    {
        using var p = new TelemetryPipeline();
        using (var a = p.Source.StartActivity("query"))
        {
            a!.AddException(new TimeoutException("db did not answer for customer jane@example.com"));
            a.SetStatus(ActivityStatusCode.Error, "db did not answer for customer jane@example.com");
        }

        var span = p.Span("query");
        Assert.Equal("OPERATION_TIMEOUT", span.Tag("error.code"));
        Assert.Equal("OPERATION_TIMEOUT", span.Tag("error.type"));
        Assert.Equal("timeout", span.Tag("error.category"));
        Assert.Equal("error", span.Tag("error.severity"));
        Assert.Equal(true, span.Tag("error.retryable"));
        Assert.Matches("^[0-9a-f]{16}$", Assert.IsType<string>(span.Tag("error.fingerprint")));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(BuiltInErrors.OperationTimeout.Title, span.StatusDescription);
        var exceptionEvent = Assert.Single(span.Events, e => e.Name == "exception");
        Assert.Equal("System.TimeoutException", exceptionEvent.Tags["exception.type"]);
        Assert.Equal(1, p.FailureCount("OPERATION_TIMEOUT"));
    }

    [Fact]
    public void OnEnd_RecordErrorWithoutEvent_AddsExactlyOneExceptionEvent()
    {
        using var p = new TelemetryPipeline();
        using (var a = p.Source.StartActivity("op"))
        {
            a.RecordError(new InvalidOperationException("bug"));
        }

        var span = p.Span("op");
        Assert.Single(span.Events, e => e.Name == "exception");
        Assert.Equal("UNCLASSIFIED", span.Tag("error.code"));
    }

    [Fact]
    public void OnEnd_ServerSpanWithHandledBusinessError_CodedAndCountedButStatusNotError()
    {
        using var p = new TelemetryPipeline(o => o.AddDefinition(OrderNotFound));
        using (var a = p.Source.StartActivity("GET /orders/{id}", ActivityKind.Server))
        {
            a.RecordError(new CodedException(OrderNotFound));
            a!.SetTag("http.response.status_code", 404);
        }

        var span = p.Span("GET /orders/{id}");
        Assert.Equal("ORDER_NOT_FOUND", span.Tag("error.code"));
        Assert.Equal("not_found", span.Tag("error.category"));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Equal(1, p.FailureCount("ORDER_NOT_FOUND"));
    }

    [Fact]
    public void OnEnd_InternalSpanWithBusinessError_StatusError()
    {
        using var p = new TelemetryPipeline(o => o.AddDefinition(PaymentDeclined));
        using (var a = p.Source.StartActivity("charge"))
        {
            a.RecordError(new CodedException(PaymentDeclined));
        }

        var span = p.Span("charge");
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("The payment was declined.", span.StatusDescription);
    }

    [Fact]
    public void OnEnd_ExplicitErrorCode_AttachedAndCounted()
    {
        using var p = new TelemetryPipeline(o => o.AddDefinition(PaymentDeclined));
        using (var a = p.Source.StartActivity("checkout"))
        {
            a.SetErrorCode(PaymentDeclined);
        }

        var span = p.Span("checkout");
        Assert.Equal("PAYMENT_DECLINED", span.Tag("error.code"));
        Assert.Equal("business_rule", span.Tag("error.category"));
        Assert.Equal("warning", span.Tag("error.severity"));
        Assert.Equal(1, p.FailureCount("PAYMENT_DECLINED"));
    }

    [Fact]
    public void OnEnd_ServerSpan5xxWithoutException_ClassifiedByStatus()
    {
        using var p = new TelemetryPipeline();
        using (var a = p.Source.StartActivity("POST /pay", ActivityKind.Server))
        {
            a!.SetTag("http.response.status_code", 500);
        }

        var span = p.Span("POST /pay");
        Assert.Equal("HTTP_SERVER_ERROR", span.Tag("error.code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(1, p.FailureCount("HTTP_SERVER_ERROR"));
    }

    [Theory]
    [InlineData("connection_error", 0, "CONNECTIVITY_SOCKET")]
    [InlineData("name_resolution_error", 0, "CONNECTIVITY_DNS")]
    [InlineData("500", 500, "DEPENDENCY_HTTP_SERVER_ERROR")]
    public void OnEnd_ClientSpanFailure_ClassifiedFromNativeTags(string errorType, int status, string expected)
    {
        using var p = new TelemetryPipeline();
        using (var a = p.Source.StartActivity("GET", ActivityKind.Client))
        {
            a!.SetTag("error.type", errorType);
            if (status > 0)
            {
                a.SetTag("http.response.status_code", status);
            }

            a.SetStatus(ActivityStatusCode.Error);
        }

        Assert.Equal(expected, p.Span("GET").Tag("error.code"));
    }

    [Fact]
    public void OnEnd_ClientSpanWith4xxAndDownstreamCode_CodeAndCauseOnTheSpanNothingCounted()
    {
        using var p = new TelemetryPipeline();
        using (var request = p.Source.StartActivity("request", ActivityKind.Server))
        using (var a = p.Source.StartActivity("GET", ActivityKind.Client))
        {
            // What .NET's HttpClient does for any 4xx answer, and what our enricher adds from X-Error-Code.
            a!.SetTag("http.response.status_code", 404);
            a.SetTag("error.type", "404");
            a.SetTag("error.cause.code", "INVENTORY_ITEM_UNKNOWN");
            a.SetStatus(ActivityStatusCode.Error);
        }

        var span = p.Span("GET");
        Assert.Equal("DEPENDENCY_HTTP_CLIENT_ERROR", span.Tag("error.code"));
        Assert.Equal("DEPENDENCY_HTTP_CLIENT_ERROR", span.Tag("error.type"));
        Assert.Equal("dependency", span.Tag("error.category"));
        Assert.Equal("INVENTORY_ITEM_UNKNOWN", span.Tag("error.cause.code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);

        // The application handled the answer: its request did not fail, and nothing is counted.
        Assert.Null(p.Span("request").Tag("error.code"));
        Assert.Equal(0, p.FailureCount());
    }

    [Fact]
    public void OnEnd_FailureBubblesThroughThreeSpansAndIsLoggedTwice_CountedOnce()
    {
        using var p = new TelemetryPipeline();
        var logger = p.Logger();
        var failure = new TimeoutException("db timeout");
        using (var outer = p.Source.StartActivity("outer"))
        {
            using (var middle = p.Source.StartActivity("middle"))
            {
                using (var inner = p.Source.StartActivity("inner"))
                {
                    inner!.AddException(failure);
                    logger.LogError(failure, "Query failed");
                }

                middle!.AddException(failure);
            }

            outer!.AddException(failure);
            logger.LogError(failure, "Request failed");
        }

        Assert.Equal(1, p.FailureCount());
        Assert.Equal(1, p.FailureCount("OPERATION_TIMEOUT"));
        foreach (var name in new[] { "inner", "middle", "outer" })
        {
            Assert.Equal("OPERATION_TIMEOUT", p.Span(name).Tag("error.code"));
        }

        Assert.All(p.Logs.Items, l => Assert.Equal("OPERATION_TIMEOUT", l.Attribute("error.code")));
        var fingerprints = p.Spans.Items.Select(s => s.Tag("error.fingerprint")).Distinct().ToList();
        Assert.Single(fingerprints);
    }

    [Fact]
    public void OnEnd_ParentFailsWithoutOwnException_InheritsChildCodeWithoutSecondCount()
    {
        using var p = new TelemetryPipeline();
        using (var server = p.Source.StartActivity("GET /checkout", ActivityKind.Server))
        {
            using (var child = p.Source.StartActivity("call inventory"))
            {
                child!.AddException(new TimeoutException("inventory"));
            }

            server!.SetTag("http.response.status_code", 500);
        }

        Assert.Equal("OPERATION_TIMEOUT", p.Span("GET /checkout").Tag("error.code"));
        Assert.Equal(1, p.FailureCount());
        var point = Assert.Single(p.FailurePoints());
        Assert.Equal("GET /checkout", point.Tags["operation"]);
    }

    [Fact]
    public void OnEnd_TwoDistinctFailures_CountedTwice()
    {
        using var p = new TelemetryPipeline();
        for (var i = 0; i < 2; i++)
        {
            using var a = p.Source.StartActivity("job");
            a!.AddException(new TimeoutException("t" + i));
        }

        Assert.Equal(2, p.FailureCount("OPERATION_TIMEOUT"));
    }

    [Fact]
    public void OnEnd_ExceptionWithContextAndDetails_ExportedAsAttributes()
    {
        using var p = new TelemetryPipeline(o => o.AddDefinition(PaymentDeclined));
        using (var a = p.Source.StartActivity("charge"))
        {
            var failure = PaymentDeclined.ToException().WithDetail("attempt", 3L).WithDetail("payment_id", Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff"));
            a.RecordError(new InvalidOperationException("wrapper", failure).WithContext("order_id", 42));
        }

        var span = p.Span("charge");
        Assert.Equal("PAYMENT_DECLINED", span.Tag("error.code"));
        Assert.Equal(42L, Convert.ToInt64(span.Tag("error.context.order_id"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(3L, span.Tag("error.detail.attempt"));
        Assert.Equal("6f9619ff-8b86-d011-b42d-00c04fc964ff", span.Tag("error.detail.payment_id"));
    }

    [Fact]
    public void OnEnd_FailureConvertedOnItsWayUp_CountedOnceWithTheFirstCodeAsCause()
    {
        using var p = new TelemetryPipeline(o => o.AddDefinition(PaymentDeclined));
        using (var server = p.Source.StartActivity("POST /pay", ActivityKind.Server))
        {
            using (var step = p.Source.StartActivity("authorize payment"))
            {
                step!.AddException(new TimeoutException("the payment provider did not answer"));
            }

            // The application catches the (converted) failure and raises its own catalogued error.
            server.RecordError(new CodedException(PaymentDeclined, innerException: new TaskCanceledException("cancelled")));
        }

        Assert.Equal(1, p.FailureCount());
        Assert.Equal(1, p.FailureCount("OPERATION_TIMEOUT"));
        var exported = p.Span("POST /pay");
        Assert.Equal("PAYMENT_DECLINED", exported.Tag("error.code"));
        Assert.Equal("OPERATION_TIMEOUT", exported.Tag("error.cause.code"));
    }

    [Fact]
    public void OnEnd_SameExplicitCodeSeenByTwoProcessors_CountedOnce()
    {
        using var p = new TelemetryPipeline(o => o.AddDefinition(PaymentDeclined));
        using (var parent = p.Source.StartActivity("parent"))
        {
            using (var child = p.Source.StartActivity("child"))
            {
                child.SetErrorCode(PaymentDeclined);
            }

            parent.SetErrorCode(PaymentDeclined);
        }

        Assert.Equal(1, p.FailureCount("PAYMENT_DECLINED"));
        Assert.Null(p.Span("parent").Tag("error.cause.code"));
    }

    [Fact]
    public void OnEnd_DependencyFailureWrappedByTheOperation_CountedOnceUnderTheOperationsCode()
    {
        using var p = new TelemetryPipeline(o => o.AddDefinition(PaymentDeclined));
        using (var server = p.Source.StartActivity("POST /pay", ActivityKind.Server))
        {
            using (var client = p.Source.StartActivity("POST", ActivityKind.Client))
            {
                client!.SetTag("http.response.status_code", 503);
                client.SetStatus(ActivityStatusCode.Error);
            }

            server.RecordError(new CodedException(PaymentDeclined));
        }

        Assert.Equal("DEPENDENCY_HTTP_SERVER_ERROR", p.Span("POST").Tag("error.code"));
        Assert.Equal(1, p.FailureCount());
        Assert.Equal(1, p.FailureCount("PAYMENT_DECLINED"));
        Assert.Equal("DEPENDENCY_HTTP_SERVER_ERROR", p.Span("POST /pay").Tag("error.cause.code"));
    }

    [Fact]
    public void OnEnd_DependencyFailureTheOperationHandled_CountedOnceWhenTheOperationEnds()
    {
        using var p = new TelemetryPipeline();
        using (var server = p.Source.StartActivity("GET /home", ActivityKind.Server))
        {
            using (var client = p.Source.StartActivity("GET", ActivityKind.Client))
            {
                client!.SetTag("http.response.status_code", 503);
                client.SetStatus(ActivityStatusCode.Error);
            }

            Assert.Equal(0, p.FailureCount());
            server!.SetTag("http.response.status_code", 200);
        }

        var point = Assert.Single(p.FailurePoints());
        Assert.Equal("DEPENDENCY_HTTP_SERVER_ERROR", point.Tags["error.code"]);
        Assert.Equal("GET /home", point.Tags["operation"]);
        Assert.Null(p.Span("GET /home").Tag("error.code"));
    }

    [Fact]
    public void OnEnd_SpanTheSamplerDropped_NotExportedButItsFailureCounted()
    {
        using var p = new TelemetryPipeline();
        var unsampledCaller = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);
        using (var a = p.Source.StartActivity("POST /orders", ActivityKind.Server, unsampledCaller))
        {
            Assert.NotNull(a);
            Assert.False(a.Recorded);
            a.AddException(new TimeoutException());
        }

        Assert.Empty(p.Spans.Items);
        Assert.Equal(1, p.FailureCount("OPERATION_TIMEOUT"));
    }

    [Fact]
    public void OnEnd_UnrecordedSpanMarkedIgnored_NotCounted()
    {
        using var p = new TelemetryPipeline();
        var unsampledCaller = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);
        using (var a = p.Source.StartActivity("GET /health/ready", ActivityKind.Server, unsampledCaller))
        {
            ErrorTelemetry.Failures.Internal.FailureState.Ignore(a!);
            a!.SetTag("http.response.status_code", 503);
        }

        Assert.Equal(0, p.FailureCount());
    }
}
