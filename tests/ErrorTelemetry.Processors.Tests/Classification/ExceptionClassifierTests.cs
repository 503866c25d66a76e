using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using System.Diagnostics.Tracing;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text.Json;
using ErrorTelemetry.Catalog.Internal;
using ErrorTelemetry.Classification.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Tests.Classification;

[Collection(nameof(BuiltInRulesTests))]
public class ExceptionClassifierTests
{
    private static readonly ErrorDefinition OrderFailed = new("ORDER_FAILED", ErrorCategory.Internal, "The order failed.");
    private static readonly ErrorDefinition PaymentDeclined = new("PAYMENT_DECLINED", ErrorCategory.BusinessRule, "The payment was declined.");
    private static readonly ErrorDefinition PaymentsUnreachable = new("PAYMENTS_UNREACHABLE", ErrorCategory.Dependency, "Payments are unavailable.");

    public static TheoryData<string, Exception, string> BuiltInCases => new()
    {
        { "TimeoutException", new TimeoutException(), "OPERATION_TIMEOUT" },
        { "OperationCanceledException, not aborted", new OperationCanceledException(), "OPERATION_TIMEOUT" },
        { "TaskCanceledException, not aborted", new TaskCanceledException(), "OPERATION_TIMEOUT" },
        { "HttpClient.Timeout", new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 1 seconds elapsing.", new TimeoutException()), "DEPENDENCY_TIMEOUT" },
        { "HTTP 400", new HttpRequestException("x", null, HttpStatusCode.BadRequest), "DEPENDENCY_HTTP_CLIENT_ERROR" },
        { "HTTP 404", new HttpRequestException("x", null, HttpStatusCode.NotFound), "DEPENDENCY_HTTP_CLIENT_ERROR" },
        { "HTTP 500", new HttpRequestException("x", null, HttpStatusCode.InternalServerError), "DEPENDENCY_HTTP_SERVER_ERROR" },
        { "HTTP 502", new HttpRequestException("x", null, HttpStatusCode.BadGateway), "DEPENDENCY_HTTP_SERVER_ERROR" },
        { "HTTP 302", new HttpRequestException("x", null, HttpStatusCode.Found), "DEPENDENCY_HTTP_FAILURE" },
        { "HTTP name resolution", new HttpRequestException(HttpRequestError.NameResolutionError, "x"), "CONNECTIVITY_DNS" },
        { "HTTP connection error", new HttpRequestException(HttpRequestError.ConnectionError, "x"), "CONNECTIVITY_SOCKET" },
        { "HTTP TLS error", new HttpRequestException(HttpRequestError.SecureConnectionError, "x"), "DEPENDENCY_HTTP_FAILURE" },
        { "HTTP without status", new HttpRequestException("x"), "DEPENDENCY_HTTP_FAILURE" },
        { "Socket HostNotFound", new SocketException((int)SocketError.HostNotFound), "CONNECTIVITY_DNS" },
        { "Socket TryAgain", new SocketException((int)SocketError.TryAgain), "CONNECTIVITY_DNS" },
        { "Socket NoData", new SocketException((int)SocketError.NoData), "CONNECTIVITY_DNS" },
        { "Socket ConnectionRefused", new SocketException((int)SocketError.ConnectionRefused), "CONNECTIVITY_SOCKET" },
        { "Socket ConnectionReset", new SocketException((int)SocketError.ConnectionReset), "CONNECTIVITY_SOCKET" },
        { "JsonException", Capture(() => JsonSerializer.Deserialize<Dictionary<string, int>>("{ \"a\": ")), "VALIDATION_MALFORMED_JSON" },
        { "FormatException", Capture(() => int.Parse("forty-two", System.Globalization.CultureInfo.InvariantCulture)), "VALIDATION_FORMAT" },
        { "ValidationException", Capture(() => ValidateInvalidOrder()), "VALIDATION_FAILED" },
        { "ArgumentException", new ArgumentException("x"), "INVALID_ARGUMENT" },
        { "ArgumentNullException", Capture(() => ArgumentNullException.ThrowIfNull((object?)null, "order")), "INVALID_ARGUMENT" },
        { "ArgumentOutOfRangeException", Capture(() => ArgumentOutOfRangeException.ThrowIfNegative(-1)), "INVALID_ARGUMENT" },
        { "DbException", new FakeDbException(transient: false), "STORAGE_DATABASE" },
        { "DbException transient", new FakeDbException(transient: true), "STORAGE_DATABASE_TRANSIENT" },
        { "IOException", new IOException("disk full"), "STORAGE_IO" },
        { "DirectoryNotFoundException", Capture(() => File.ReadAllText("/nonexistent-errortelemetry/x.txt")), "STORAGE_IO" },
        { "UnauthorizedAccessException", new UnauthorizedAccessException(), "ACCESS_DENIED" },
        { "OptionsValidationException", Capture(() => InvalidOptionsValue()), "CONFIGURATION_INVALID" },
        { "NotImplementedException", new NotImplementedException(), "NOT_IMPLEMENTED" },
        { "NotSupportedException", new NotSupportedException(), "UNCLASSIFIED" },
        { "InvalidOperationException", new InvalidOperationException(), "UNCLASSIFIED" },
        { "NullReferenceException", Capture(() => _ = ((string)null!).Trim()), "UNCLASSIFIED" },
#pragma warning disable CA2201 // A bare Exception is exactly the information-free wrapper these tests are about.
        { "plain Exception", new Exception("x"), "UNCLASSIFIED" },
#pragma warning restore CA2201
    };

    [Theory]
    [MemberData(nameof(BuiltInCases))]
    public void Classify_PlatformException_MapsToBuiltInCode(string name, Exception exception, string code)
    {
        var result = Classifier().Classify(exception);

        Assert.True(code == result.Definition.Code, $"{name}: expected {code}, got {result.Definition.Code}");
        Assert.Same(exception, result.Matched);
        Assert.Null(result.CauseCode);
    }

    [Fact]
    public async Task Classify_RealHttpClientTimeout_IsDependencyTimeout()
    {
        await using var server = new LoopbackHttpServer(response: null);
        using var client = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };

        var exception = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAsync(server.Address));

        Assert.Equal("DEPENDENCY_TIMEOUT", Classifier().Classify(exception).Definition.Code);
    }

    [Fact]
    public async Task Classify_RealConnectionRefused_IsConnectivitySocket()
    {
        using var closed = LoopbackHttpServer.ClosedPort(out var port);
        using var client = new HttpClient();

        var exception = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri($"http://127.0.0.1:{port}/")));

        var result = Classifier().Classify(exception);
        Assert.Equal("CONNECTIVITY_SOCKET", result.Definition.Code);
        Assert.Same(exception, result.Matched);
    }

    [Theory]
    [InlineData("503 Service Unavailable", "DEPENDENCY_HTTP_SERVER_ERROR")]
    [InlineData("404 Not Found", "DEPENDENCY_HTTP_CLIENT_ERROR")]
    public async Task Classify_RealEnsureSuccessStatusCode_MapsByStatusFamily(string status, string code)
    {
        await using var server = new LoopbackHttpServer($"HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        using var client = new HttpClient();
        using var response = await client.GetAsync(server.Address);

        var exception = Assert.Throws<HttpRequestException>(() => response.EnsureSuccessStatusCode());

        Assert.Equal(code, Classifier().Classify(exception).Definition.Code);
    }

    [Fact]
    public void Classify_CodedException_ReturnsItsDefinition()
    {
        var exception = OrderFailed.ToException();

        var result = Classifier(o => o.AddDefinition(OrderFailed)).Classify(exception);

        Assert.Same(OrderFailed, result.Definition);
        Assert.Same(exception, result.Matched);
    }

    [Fact]
    public void Classify_CodedExceptionWithConfigOverride_ReturnsTheCatalogsDefinition()
    {
        var result = Classifier(o =>
        {
            o.AddDefinition(OrderFailed);
            o.Catalog["ORDER_FAILED"] = new ErrorDefinitionOptions { Owner = "team-orders" };
        }).Classify(OrderFailed.ToException());

        Assert.Equal("ORDER_FAILED", result.Definition.Code);
        Assert.Equal("team-orders", result.Definition.Owner);
    }

    [Fact]
    public void Classify_BuiltInWithConfigOverride_ReturnsTheCatalogsDefinition()
    {
        var result = Classifier(o => o.Catalog["OPERATION_TIMEOUT"] = new ErrorDefinitionOptions { Owner = "platform" })
            .Classify(new TimeoutException());

        Assert.Equal("platform", result.Definition.Owner);
    }

    [Fact]
    public void Classify_CodesInTurnWithConfigOverrides_EachTheCatalogsDefinition()
    {
        var classifier = Classifier(o =>
        {
            o.Catalog["OPERATION_TIMEOUT"] = new ErrorDefinitionOptions { Owner = "platform" };
            o.Catalog["VALIDATION_FORMAT"] = new ErrorDefinitionOptions { Owner = "api" };
        });
        Exception[] failures = [new TimeoutException(), new TimeoutException(), new FormatException(), new TimeoutException(), new NotImplementedException()];

        var owners = failures.Select(e => classifier.Classify(e).Definition).Select(d => (d.Code, d.Owner));

        Assert.Equal(
            [("OPERATION_TIMEOUT", "platform"), ("OPERATION_TIMEOUT", "platform"), ("VALIDATION_FORMAT", "api"), ("OPERATION_TIMEOUT", "platform"), ("NOT_IMPLEMENTED", BuiltInErrors.NotImplemented.Owner)],
            owners);
    }

    [Fact]
    public void Classify_CodedExceptionAtTop_WinsOverUserAndBuiltInRulesForItsCause()
    {
        var exception = OrderFailed.ToException(innerException: new TimeoutException());

        var result = Classifier(o => o.AddDefinition(OrderFailed).Map<TimeoutException>(PaymentDeclined)).Classify(exception);

        Assert.Equal("ORDER_FAILED", result.Definition.Code);
        Assert.Null(result.CauseCode);
    }

    [Fact]
    public void Classify_CodedExceptionInsideInformationFreeWrappers_IsFound()
    {
        var coded = PaymentDeclined.ToException();
        var wrapped = new TargetInvocationException(new AggregateException(new InvalidOperationException("wrapper", coded)));

        var result = Classifier().Classify(wrapped);

        Assert.Same(PaymentDeclined, result.Definition);
        Assert.Same(coded, result.Matched);
    }

    [Fact]
    public void Classify_UserRule_BeatsTheBuiltInRule()
    {
        var result = Classifier(o => o.Map<TimeoutException>(OrderFailed)).Classify(new TimeoutException());

        Assert.Equal("ORDER_FAILED", result.Definition.Code);
    }

    [Fact]
    public void Classify_UserRuleByCode_UsesTheCatalogDefinition()
    {
        var result = Classifier(o =>
        {
            o.Catalog["ORDER_TIMEOUT"] = new ErrorDefinitionOptions { Category = "Timeout", Title = "The order timed out.", Owner = "team-orders" };
            o.Map<TimeoutException>("ORDER_TIMEOUT");
        }).Classify(new TimeoutException());

        Assert.Equal("ORDER_TIMEOUT", result.Definition.Code);
        Assert.Equal("team-orders", result.Definition.Owner);
    }

    [Fact]
    public void Classify_UserRulesForRelatedTypes_MostSpecificTypeWinsRegardlessOfOrder()
    {
        var classifier = Classifier(o => o
            .Map<Exception>(OrderFailed)
            .Map<IOException>(PaymentsUnreachable)
            .Map<FileNotFoundException>(PaymentDeclined));

        Assert.Equal("PAYMENT_DECLINED", classifier.Classify(new FileNotFoundException()).Definition.Code);
        Assert.Equal("PAYMENTS_UNREACHABLE", classifier.Classify(new DirectoryNotFoundException()).Definition.Code);
        Assert.Equal("ORDER_FAILED", classifier.Classify(new InvalidOperationException()).Definition.Code);
    }

    [Fact]
    public void Classify_UserRulesForTheSameType_FirstRegisteredWins()
    {
        var classifier = Classifier(o => o.Map<TimeoutException>(OrderFailed).Map<TimeoutException>(PaymentDeclined));

        Assert.Equal("ORDER_FAILED", classifier.Classify(new TimeoutException()).Definition.Code);
    }

    [Fact]
    public void Classify_UserRulePredicate_SelectsAmongRules()
    {
        var classifier = Classifier(o => o
            .Map<FakeDbException>(PaymentDeclined, e => e.ErrorCode == 1205)
            .Map<DbException>(OrderFailed, e => e.ErrorCode == 42));

        Assert.Equal("PAYMENT_DECLINED", classifier.Classify(new FakeDbException(false, 1205)).Definition.Code);
        Assert.Equal("ORDER_FAILED", classifier.Classify(new FakeDbException(false, 42)).Definition.Code);
        Assert.Equal("STORAGE_DATABASE_TRANSIENT", classifier.Classify(new FakeDbException(true, 7)).Definition.Code);
    }

    [Fact]
    public void Classify_UserPredicateThrows_SkipsTheRuleAndReportsIt()
    {
        using var listener = new EventCollector();
        var classifier = Classifier(o => o
            .Map<TimeoutException>(OrderFailed, e => e.Data["missing"]!.ToString() == "x")
            .Map<TimeoutException>(PaymentDeclined, e => e.Message.Length > 1000));

        var result = classifier.Classify(new TimeoutException());

        Assert.Equal("OPERATION_TIMEOUT", result.Definition.Code);
        var failure = Assert.Single(listener.Events, e => e.EventName == "CallbackFailed" && (string?)e.Payload?[0] == "ErrorTelemetryOptions.Map<TimeoutException>(\"ORDER_FAILED\", when)");
        Assert.Equal(typeof(NullReferenceException).FullName, failure.Payload?[1]);
    }

    [Fact]
    public void Classify_UserRuleOnInnerException_BeatsBuiltInRuleOnOuter()
    {
        var exception = new HttpRequestException(HttpRequestError.ConnectionError, "x", new SocketException((int)SocketError.ConnectionRefused));

        var result = Classifier(o => o.Map<SocketException>(PaymentsUnreachable)).Classify(exception);

        Assert.Equal("PAYMENTS_UNREACHABLE", result.Definition.Code);
        Assert.IsType<SocketException>(result.Matched);
    }

    [Fact]
    public void Classify_UserRuleOnOuterWrappingCodedCause_ReportsTheCauseCode()
    {
        var exception = new InvalidOperationException("checkout failed", PaymentDeclined.ToException());

        var result = Classifier(o => o.Map<InvalidOperationException>(OrderFailed)).Classify(exception);

        Assert.Equal("ORDER_FAILED", result.Definition.Code);
        Assert.Equal("PAYMENT_DECLINED", result.CauseCode);
    }

    [Fact]
    public void Classify_CodedExceptionWrappingAnotherCode_ReportsTheCauseCode()
    {
        var exception = OrderFailed.ToException(innerException: new AggregateException(PaymentDeclined.ToException()));

        var result = Classifier().Classify(exception);

        Assert.Equal("ORDER_FAILED", result.Definition.Code);
        Assert.Equal("PAYMENT_DECLINED", result.CauseCode);
    }

    [Fact]
    public void Classify_CodedExceptionWrappingTheSameCode_HasNoCauseCode()
    {
        var exception = OrderFailed.ToException(innerException: OrderFailed.ToException());

        Assert.Null(Classifier().Classify(exception).CauseCode);
    }

    [Fact]
    public void Classify_DownstreamCodeInData_IsTheCauseCode()
    {
        var exception = new HttpRequestException("x", null, HttpStatusCode.BadGateway);
        exception.Data[ExceptionDataKeys.CauseCode] = "PAYMENT_DECLINED";
        var invalid = new HttpRequestException("x", null, HttpStatusCode.BadGateway);
        invalid.Data[ExceptionDataKeys.CauseCode] = "card number 4111 1111 1111 1111 rejected";

        var result = Classifier().Classify(exception);

        Assert.Equal("DEPENDENCY_HTTP_SERVER_ERROR", result.Definition.Code);
        Assert.Equal("PAYMENT_DECLINED", result.CauseCode);
        Assert.Null(Classifier().Classify(invalid).CauseCode);
    }

    [Fact]
    public void Classify_OperationCanceledWhenClientAborted_IsRequestCancelled()
    {
        using var aborted = new CancellationTokenSource();
        aborted.Cancel();
        var exception = new TaskCanceledException("aborted", null, aborted.Token);
        var classifier = Classifier();

        var result = classifier.Classify(exception, requestAborted: true);

        Assert.Equal("REQUEST_CANCELLED", result.Definition.Code);
        Assert.False(result.Definition.IsServerFault);
        Assert.Equal("REQUEST_CANCELLED", classifier.Classify(exception, aborted.Token).Definition.Code);
        Assert.Equal("OPERATION_TIMEOUT", classifier.Classify(exception, CancellationToken.None).Definition.Code);
        Assert.Equal("OPERATION_TIMEOUT", classifier.Classify(exception).Definition.Code);
    }

    [Fact]
    public void Classify_ClientAbortedDuringDependencyTimeoutOrIo_IsRequestCancelled()
    {
        var classifier = Classifier();
        var wrappedCancellation = new InvalidOperationException("x", new TaskCanceledException("t", new TimeoutException()));

        Assert.Equal("REQUEST_CANCELLED", classifier.Classify(wrappedCancellation, requestAborted: true).Definition.Code);
        Assert.Equal("DEPENDENCY_TIMEOUT", classifier.Classify(wrappedCancellation, requestAborted: false).Definition.Code);
        Assert.Equal("REQUEST_CANCELLED", classifier.Classify(new IOException("The client reset the request stream."), requestAborted: true).Definition.Code);
        Assert.Equal("STORAGE_IO", classifier.Classify(new IOException("The client reset the request stream."), requestAborted: false).Definition.Code);
    }

    [Fact]
    public void Classify_ClientAbortedButCodedOrUnrelatedFailure_KeepsItsCode()
    {
        var classifier = Classifier();

        Assert.Equal("ORDER_FAILED", classifier.Classify(OrderFailed.ToException(innerException: new OperationCanceledException()), requestAborted: true).Definition.Code);
        Assert.Equal("UNCLASSIFIED", classifier.Classify(new InvalidOperationException(), requestAborted: true).Definition.Code);
    }

    [Fact]
    public void Classify_WeakOuterMatch_YieldsToSpecificCause()
    {
        var socket = new SocketException((int)SocketError.ConnectionReset);
        var transport = new IOException("Unable to read data from the transport connection.", socket);
        var http = new HttpRequestException("An error occurred while sending the request.", transport);

        var result = Classifier().Classify(http);

        Assert.Equal("CONNECTIVITY_SOCKET", result.Definition.Code);
        Assert.Same(socket, result.Matched);
        Assert.Equal("CONNECTIVITY_SOCKET", Classifier().Classify(transport).Definition.Code);
    }

    [Fact]
    public void Classify_WeakMatchWithoutSpecificCause_IsUsed()
    {
        var http = new HttpRequestException("x", new InvalidOperationException());

        var result = Classifier().Classify(http);

        Assert.Equal("DEPENDENCY_HTTP_FAILURE", result.Definition.Code);
        Assert.Same(http, result.Matched);
    }

    [Fact]
    public void Classify_StrongOuterMatch_WinsOverInnerMatch()
    {
        var db = new FakeDbException(transient: true, inner: new SocketException((int)SocketError.ConnectionRefused));

        var result = Classifier().Classify(db);

        Assert.Equal("STORAGE_DATABASE_TRANSIENT", result.Definition.Code);
        Assert.Same(db, result.Matched);
    }

    [Fact]
    public void Classify_UnknownWrapperAroundKnownCause_UsesTheCause()
    {
        var timeout = new TimeoutException();
#pragma warning disable CA2201 // A bare Exception is exactly the information-free wrapper this test is about.
        var result = Classifier().Classify(new InvalidOperationException("wrapper", new Exception("wrapper", timeout)));
#pragma warning restore CA2201

        Assert.Equal("OPERATION_TIMEOUT", result.Definition.Code);
        Assert.Same(timeout, result.Matched);
    }

    [Fact]
    public void Classify_AggregateException_FirstMatchingInnerWinsAndCodedBeatsBuiltIn()
    {
        var classifier = Classifier();

        Assert.Equal("OPERATION_TIMEOUT", classifier.Classify(new AggregateException(new InvalidOperationException(), new TimeoutException(), new IOException())).Definition.Code);
        Assert.Equal("PAYMENT_DECLINED", classifier.Classify(new AggregateException(new TimeoutException(), PaymentDeclined.ToException())).Definition.Code);
        Assert.Equal("CONNECTIVITY_DNS", classifier.Classify(new AggregateException(new SocketException((int)SocketError.HostNotFound))).Definition.Code);
    }

    [Fact]
    public void Classify_ChainDeeperThanTheBound_StopsAndFallsBack()
    {
        var shallow = Chain(depth: 50, causeAt: ExceptionWalk.MaxDepth - 1);
        var deep = Chain(depth: 50, causeAt: 49);

        var found = Classifier().Classify(shallow);
        var notFound = Classifier().Classify(deep);

        Assert.Equal("OPERATION_TIMEOUT", found.Definition.Code);
        Assert.IsType<TimeoutException>(found.Matched);
        Assert.Equal("UNCLASSIFIED", notFound.Definition.Code);
        Assert.Same(deep, notFound.Matched);
    }

    [Fact]
    public void Classify_DeeplyNestedAggregates_Terminates()
    {
        Exception exception = new TimeoutException();
        for (var i = 0; i < 50; i++)
        {
            exception = new AggregateException(new InvalidOperationException(), exception);
        }

        Assert.Equal("UNCLASSIFIED", Classifier().Classify(exception).Definition.Code);
    }

    [Fact]
    public void Classify_CyclicChain_TerminatesAndStillFindsTheCause()
    {
        var a = new InvalidOperationException("a");
        var b = new InvalidOperationException("b", a);
        SetInner(a, b);
        var timeout = new TimeoutException();
        var c = new InvalidOperationException("c", timeout);
        SetInner(timeout, c);

        Assert.Equal("UNCLASSIFIED", Classifier().Classify(a).Definition.Code);
        Assert.Equal("OPERATION_TIMEOUT", Classifier().Classify(c).Definition.Code);
        Assert.Null(Classifier().Classify(c).CauseCode);
    }

    [Fact]
    public void Classify_UserRuleForUnknownCode_IsIgnored()
    {
        var options = new ErrorTelemetryOptions().Map<TimeoutException>("NOT_IN_CATALOG");
        var classifier = new ExceptionClassifier(ErrorCatalogFactory.Create(options, null, out _), options);

        Assert.Equal("OPERATION_TIMEOUT", classifier.Classify(new TimeoutException()).Definition.Code);
    }

    [Fact]
    public void Classify_Repeated_AllocatesNothing()
    {
        var classifier = Classifier(o => o
            .Map<InvalidOperationException>(OrderFailed, e => e.HResult == 1)
            .Map<FakeDbException>(PaymentDeclined, e => e.ErrorCode == 1205));
        var exceptions = new Exception[]
        {
            new TimeoutException(),
            new HttpRequestException("x", new IOException("y", new SocketException((int)SocketError.ConnectionReset))),
            new InvalidOperationException("x", new FakeDbException(false, 1205)),
            new AggregateException(new InvalidOperationException(), OrderFailed.ToException(innerException: PaymentDeclined.ToException())),
            new InvalidOperationException(),
        };
        foreach (var exception in exceptions)
        {
            classifier.Classify(exception);
            classifier.Classify(exception, requestAborted: true);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            foreach (var exception in exceptions)
            {
                classifier.Classify(exception);
                classifier.Classify(exception, requestAborted: true);
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void ClassifyStatus_ResolvesThroughTheCatalog()
    {
        var classifier = Classifier(o => o.Catalog["HTTP_NOT_FOUND"] = new ErrorDefinitionOptions { Owner = "web" });

        Assert.Equal("web", classifier.ClassifyStatus(404)?.Owner);
        Assert.Equal("RATE_LIMITED", classifier.ClassifyStatus(429)?.Code);
        Assert.Null(classifier.ClassifyStatus(201));
    }

    private static ExceptionClassifier Classifier(Action<ErrorTelemetryOptions>? configure = null)
    {
        var options = new ErrorTelemetryOptions();
        configure?.Invoke(options);
        return new ExceptionClassifier(ErrorCatalogFactory.CreateOrThrow(options, null), options);
    }

    private static Exception Capture(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            return e;
        }

        throw new InvalidOperationException("The action did not throw.");
    }

    private static void ValidateInvalidOrder()
    {
        var order = new Order();
        Validator.ValidateObject(order, new ValidationContext(order), validateAllProperties: true);
    }

    private static void InvalidOptionsValue()
    {
        var services = new ServiceCollection();
        services.AddOptions<ErrorTelemetryOptions>().Validate(o => o.MaxFailureSeries > 5000, "MaxFailureSeries is too small.");
        using var provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<IOptions<ErrorTelemetryOptions>>().Value;
    }

    /// <summary>A chain of <paramref name="depth"/> exceptions with a TimeoutException at index <paramref name="causeAt"/> (0 = the top).</summary>
    private static Exception Chain(int depth, int causeAt)
    {
        Exception? inner = null;
        for (var i = depth - 1; i >= 0; i--)
        {
            inner = i == causeAt ? new TimeoutException($"level {i}", inner) : new InvalidOperationException($"level {i}", inner);
        }

        return inner!;
    }

    private static void SetInner(Exception exception, Exception inner) =>
        typeof(Exception).GetField("_innerException", BindingFlags.NonPublic | BindingFlags.Instance)!.SetValue(exception, inner);

    private sealed class Order
    {
        [Required]
        public string? Id { get; set; }
    }

    internal sealed class FakeDbException(bool transient, int errorCode = 0, Exception? inner = null)
        : DbException("database failed", inner)
    {
        public override bool IsTransient => transient;

        public override int ErrorCode => errorCode;
    }

    private sealed class EventCollector : EventListener
    {
        public ConcurrentQueue<EventWrittenEventArgs> Events { get; } = new();

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "ErrorTelemetry")
            {
                EnableEvents(eventSource, EventLevel.Verbose);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData) => Events.Enqueue(eventData);
    }
}
