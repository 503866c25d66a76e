using System.Diagnostics;
using System.Net;
using System.Text;
using ErrorTelemetry.Http.Internal;
using OpenTelemetry;

namespace ErrorTelemetry.Tests.Http;

public sealed class CorrelationHttpHandlerTests
{
    private const string Problem = """{"type":"about:blank","title":"Out of stock","status":409,"code":"INVENTORY_OUT_OF_STOCK","detail":"sku 7"}""";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SendAsync_ProblemBody_CodeRememberedAndCallerReadsTheSameBody(bool knownLength)
    {
        using var root = new Activity("request").Start();
        var (invoker, _) = Client(_ => Respond(HttpStatusCode.Conflict, Problem, "application/problem+json", knownLength));

        using var response = await invoker.SendAsync(Get(), CancellationToken.None);

        Assert.Equal(Problem, await response.Content.ReadAsStringAsync());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("INVENTORY_OUT_OF_STOCK", DownstreamCause.Find(root)?.CodeFor(409));
    }

    [Fact]
    public async Task SendAsync_ProblemBodyOverTheLimitWithUnknownLength_NotParsedAndCallerReadsAllOfIt()
    {
        using var root = new Activity("request").Start();
        var big = "{\"detail\":\"" + new string('x', 40 * 1024) + "\",\"code\":\"INVENTORY_OUT_OF_STOCK\"}";
        var (invoker, _) = Client(_ => Respond(HttpStatusCode.Conflict, big, "application/problem+json", knownLength: false));

        using var response = await invoker.SendAsync(Get(), CancellationToken.None);

        Assert.Equal(big, await response.Content.ReadAsStringAsync());
        Assert.Null(DownstreamCause.Find(root)?.CodeFor(409));
    }

    [Fact]
    public async Task SendAsync_KnownLengthOverTheLimit_ContentNotTouched()
    {
        using var root = new Activity("request").Start();
        HttpContent? original = null;
        var (invoker, _) = Client(_ =>
        {
            var r = Respond(HttpStatusCode.Conflict, "{\"code\":\"INVENTORY_OUT_OF_STOCK\",\"pad\":\"" + new string('x', 20 * 1024) + "\"}", "application/problem+json", knownLength: true);
            original = r.Content;
            return r;
        });

        using var response = await invoker.SendAsync(Get(), CancellationToken.None);

        Assert.Same(original, response.Content);
    }

    [Fact]
    public async Task SendAsync_ErrorCodeHeader_UsedAndBodyNotRead()
    {
        using var root = new Activity("request").Start();
        HttpContent? original = null;
        var (invoker, _) = Client(_ =>
        {
            var r = Respond(HttpStatusCode.Conflict, Problem.Replace("INVENTORY_OUT_OF_STOCK", "OTHER_CODE", StringComparison.Ordinal), "application/problem+json", knownLength: false);
            r.Headers.Add("X-Error-Code", "INVENTORY_OUT_OF_STOCK");
            original = r.Content;
            return r;
        });

        using var response = await invoker.SendAsync(Get(), CancellationToken.None);

        Assert.Same(original, response.Content);
        Assert.Equal("INVENTORY_OUT_OF_STOCK", DownstreamCause.Find(root)?.CodeFor(409));
    }

    [Theory]
    [InlineData("""{"code":"out-of-stock"}""")]
    [InlineData("""{"code":"INVENTORY\r\nX"}""")]
    [InlineData("""{"code":42}""")]
    [InlineData("""{"errors":{"code":"NESTED_CODE"}}""")]
    [InlineData("""{"code":""")]
    [InlineData("not json")]
    public async Task SendAsync_NoWellFormedTopLevelCode_NothingRemembered(string body)
    {
        using var root = new Activity("request").Start();
        var (invoker, _) = Client(_ => Respond(HttpStatusCode.UnprocessableEntity, body, "application/problem+json", knownLength: false));

        using var response = await invoker.SendAsync(Get(), CancellationToken.None);

        Assert.Equal(body, await response.Content.ReadAsStringAsync());
        Assert.Null(DownstreamCause.Find(root)?.CodeFor(422));
    }

    [Fact]
    public async Task SendAsync_NotProblemJson_ContentNotTouched()
    {
        using var root = new Activity("request").Start();
        HttpContent? original = null;
        var (invoker, _) = Client(_ =>
        {
            var r = Respond(HttpStatusCode.Conflict, """{"code":"INVENTORY_OUT_OF_STOCK"}""", "application/json", knownLength: false);
            original = r.Content;
            return r;
        });

        using var response = await invoker.SendAsync(Get(), CancellationToken.None);

        Assert.Same(original, response.Content);
        Assert.Null(DownstreamCause.Find(root)?.CodeFor(409));
    }

    [Fact]
    public async Task SendAsync_CorrelatedSpan_SendsTheHeaderButKeepsOneTheAppSet()
    {
        using var root = new Activity("request").Start();
        root.SetBaggage("correlation.id", "order-5");
        var (invoker, sent) = Client(_ => new HttpResponseMessage(HttpStatusCode.OK));

        using var plain = await invoker.SendAsync(Get(), CancellationToken.None);
        var own = Get();
        own.Headers.Add("X-Correlation-ID", "set-by-app");
        using var withOwn = await invoker.SendAsync(own, CancellationToken.None);

        Assert.Equal("order-5", sent[0].Headers.GetValues("X-Correlation-ID").Single());
        Assert.Equal("set-by-app", sent[1].Headers.GetValues("X-Correlation-ID").Single());
    }

    [Fact]
    public async Task SendAsync_NoCorrelation_NoHeader()
    {
        Activity.Current = null;
        var (invoker, sent) = Client(_ => new HttpResponseMessage(HttpStatusCode.OK));

        using var response = await invoker.SendAsync(Get(), CancellationToken.None);

        Assert.False(sent[0].Headers.Contains("X-Correlation-ID"));
        Assert.False(sent[0].Headers.Contains("baggage"));
    }

    [Fact]
    public async Task SendAsync_OnlyAmbientBaggageNoSpan_HeaderAndEncodedBaggageSent()
    {
        Activity.Current = null;
        var previous = Baggage.Current;
        Baggage.SetBaggage("correlation.id", "msg+1/a=b");
        try
        {
            var (invoker, sent) = Client(_ => new HttpResponseMessage(HttpStatusCode.OK));
            using var response = await invoker.SendAsync(Get(), CancellationToken.None);

            Assert.Equal("msg+1/a=b", sent[0].Headers.GetValues("X-Correlation-ID").Single());
            Assert.Equal("correlation.id=msg%2B1%2Fa%3Db", sent[0].Headers.GetValues("baggage").Single());
        }
        finally
        {
            Baggage.Current = previous;
        }
    }

    [Fact]
    public async Task EnsureSuccessStatusCode_AfterACodedFailure_ExceptionCarriesTheCodeAndNoStaleCodeLater()
    {
        using var hooks = DownstreamCauseHooks.Acquire();
        using var root = new Activity("request").Start();
        var responses = new Queue<HttpResponseMessage>(
        [
            Respond(HttpStatusCode.Conflict, Problem, "application/problem+json", knownLength: false),
            Respond(HttpStatusCode.Conflict, "{}", "application/problem+json", knownLength: false),
        ]);
        var (invoker, _) = Client(_ => responses.Dequeue());
        var client = new HttpClient(new PassThrough(invoker)) { BaseAddress = new Uri("http://inventory.test") };

        var coded = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(new Uri("/reserve", UriKind.Relative)));
        var uncoded = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(new Uri("/reserve", UriKind.Relative)));

        Assert.Equal("INVENTORY_OUT_OF_STOCK", coded.Data[DownstreamCause.DataKey]);
        Assert.False(uncoded.Data.Contains(DownstreamCause.DataKey));
    }

    [Fact]
    public async Task EnsureSuccessStatusCode_DifferentStatusThanTheCodedFailure_NoCode()
    {
        using var hooks = DownstreamCauseHooks.Acquire();
        using var root = new Activity("request").Start();
        var (invoker, _) = Client(_ => Respond(HttpStatusCode.Conflict, Problem, "application/problem+json", knownLength: false));
        using var response = await invoker.SendAsync(Get(), CancellationToken.None);

        var unrelated = Assert.Throws<HttpRequestException>(() => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable).EnsureSuccessStatusCode());

        Assert.False(unrelated.Data.Contains(DownstreamCause.DataKey));
    }

    private static HttpRequestMessage Get() => new(HttpMethod.Get, "http://inventory.test/reserve");

    private static (HttpMessageInvoker Invoker, List<HttpRequestMessage> Sent) Client(Func<HttpRequestMessage, HttpResponseMessage> respond)
    {
        var sent = new List<HttpRequestMessage>();
        var handler = new CorrelationHttpHandler("X-Correlation-ID") { InnerHandler = new Stub(respond, sent) };
        return (new HttpMessageInvoker(handler), sent);
    }

    private static HttpResponseMessage Respond(HttpStatusCode status, string body, string mediaType, bool knownLength)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        HttpContent content = knownLength ? new ByteArrayContent(bytes) : new StreamContent(new NonSeekable(bytes));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
        return new HttpResponseMessage(status) { Content = content };
    }

    private sealed class Stub(Func<HttpRequestMessage, HttpResponseMessage> respond, List<HttpRequestMessage> sent) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            sent.Add(request);
            var response = respond(request);
            response.RequestMessage = request;
            return Task.FromResult(response);
        }
    }

    private sealed class PassThrough(HttpMessageInvoker inner) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            inner.SendAsync(request, cancellationToken);
    }

    /// <summary>Like a chunked network body: no length, no seeking, small reads.</summary>
    private sealed class NonSeekable(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1000));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 1000)], cancellationToken);
    }
}
