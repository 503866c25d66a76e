using System.Net;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Tests.TestSupport;

namespace ErrorTelemetry.Tests.Failures;

// One of these tests fills the process-wide cache of plain types past its bound; past it, no other type is printed
// here, so a test printing a type not remembered yet gets ToString's text, never one shared by a run of failures. So
// these tests run alone, and the filling test forgets what it filled.
[CollectionDefinition(nameof(PlainRenderingTests), DisableParallelization = true)]
[Collection(nameof(PlainRenderingTests))]
public sealed class PlainRenderingTests
{
    public static TheoryData<string> PlainCases => [.. PlainExceptions().Keys];

    [Theory]
    [MemberData(nameof(PlainCases))]
    public void TryRender_TypeThatPrintsAsException_SameTextAsToString(string name)
    {
        var exception = PlainExceptions()[name];

        var text = PlainRendering.TryRender(exception, exception.Message, out var stackStart);

        Assert.Equal(exception.ToString(), text);
        Assert.Equal(exception.StackTrace, stackStart < 0 ? null : text![stackStart..]);
    }

    [Theory]
    [MemberData(nameof(PlainCases))]
    public void Failure_TypeThatPrintsAsException_ExporterGetsToStringAsStackTrace(string name)
    {
        using var pipeline = new TelemetryPipeline();
        var exception = PlainExceptions()[name];

        using (var activity = pipeline.Source.StartActivity("checkout"))
        {
            activity!.AddException(exception);
        }

        var (_, tags) = Assert.Single(pipeline.Span("checkout").Events, e => e.Name == "exception");
        Assert.Equal(exception.ToString(), tags["exception.stacktrace"]);
        Assert.Equal(exception.Message, tags["exception.message"]);
    }

    [Fact]
    public void TryRender_TypeThatPrintsItself_AsksTheException()
    {
        var ownToString = new OwnToStringException("order 42");
        var ownMessage = new OwnMessageException();
        var ownStackTrace = new OwnStackTraceException();

        Assert.Null(PlainRendering.TryRender(ownToString, ownToString.Message, out _));
        Assert.Null(PlainRendering.TryRender(ownMessage, ownMessage.Message, out _));
        Assert.Null(PlainRendering.TryRender(ownStackTrace, ownStackTrace.Message, out _));
        Assert.Equal("custom text", ExceptionText.Raw(ownToString).Text);
        Assert.Equal(ownMessage.ToString(), ExceptionText.Raw(ownMessage).Text);
        Assert.Equal(ownStackTrace.ToString(), ExceptionText.Raw(ownStackTrace).Text);
    }

    [Fact]
    public void TryRender_InnerException_AsksTheException()
    {
        var exception = new InvalidOperationException("outer", new TimeoutException("inner"));

        Assert.Null(PlainRendering.TryRender(exception, exception.Message, out _));
        Assert.Equal(exception.ToString(), ExceptionText.Raw(exception).Text);
    }

    [Fact]
    public void Applies_MoreTypesThanTheBound_RemembersAtMostTheBoundAndStillPrintsAsToString()
    {
        try
        {
            Type[] arguments = [.. Enumerable.Range(1, 40).Select(Nest)];
            var seen = 0;
            foreach (var first in arguments)
            {
                foreach (var second in arguments)
                {
                    var type = typeof(GenericException<,>).MakeGenericType(first, second);
                    var exception = (Exception)Activator.CreateInstance(type, "order 42")!;

                    Assert.Equal(exception.ToString(), ExceptionText.Raw(exception).Text);
                    PlainRendering.Applies(type);
                    seen++;
                }
            }

            Assert.True(seen > PlainRendering.MaxCachedTypes);
            Assert.True(PlainRendering.CachedTypes <= PlainRendering.MaxCachedTypes);
        }
        finally
        {
            PlainRendering.ForgetCachedTypes();
        }
    }

    [Fact]
    public void Failure_SameFailureTwiceThenAnotherMessage_ExporterGetsEachExceptionsOwnText()
    {
        Exception[] exceptions =
        [
            TestExceptions.Thrown(new InvalidOperationException("order 42 is out of stock")),
            TestExceptions.Thrown(new InvalidOperationException("order 42 is out of stock")),
            TestExceptions.Thrown(new InvalidOperationException("order 43 is out of stock")),
            TestExceptions.Thrown(new KeyNotFoundException("order 43 is out of stock")),
        ];

        AssertEachExportsItsOwnText(exceptions);
    }

    [Fact]
    public void Failure_NeverThrownSameFailureTwiceThenOthers_ExporterGetsEachExceptionsOwnText() =>
        AssertEachExportsItsOwnText(NeverThrownAndThrownInTurn());

    [Fact]
    public void TryRender_NeverThrownSameTypeAndMessageInTurn_SharesOneText()
    {
        // Other tests print at the same time, so a run of the same failure is asked to share, not every pair of it.
        var texts = new HashSet<string>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < 50; i++)
        {
            var exception = new TimeoutException("The database did not answer within 30 seconds.");
            var text = PlainRendering.TryRender(exception, exception.Message, out var stackStart);

            Assert.Equal(exception.ToString(), text);
            Assert.Equal(-1, stackStart);
            texts.Add(text!);
        }

        Assert.InRange(texts.Count, 1, 25);
    }

    // Never-thrown failures of one type and message in a run, a thrown one between them, then other messages, other
    // types and empty messages: what both the span-per-exception and the one-span tests send.
    private static Exception[] NeverThrownAndThrownInTurn() =>
    [
        new InvalidOperationException("order 42 is out of stock"),
        new InvalidOperationException("order 42 is out of stock"),
        TestExceptions.Thrown(new InvalidOperationException("order 42 is out of stock")),
        new InvalidOperationException("order 42 is out of stock"),
        new InvalidOperationException("order 43 is out of stock"),
        new KeyNotFoundException("order 43 is out of stock"),
        new KeyNotFoundException(string.Empty),
        new KeyNotFoundException(string.Empty),
        new InvalidOperationException(string.Empty),
    ];

    // Each exception on a span of its own, in turn: the exporter gets each exception's own ToString().
    private static void AssertEachExportsItsOwnText(Exception[] exceptions)
    {
        using var pipeline = new TelemetryPipeline();
        for (var i = 0; i < exceptions.Length; i++)
        {
            using var activity = pipeline.Source.StartActivity("checkout " + i);
            activity!.AddException(exceptions[i]);
        }

        for (var i = 0; i < exceptions.Length; i++)
        {
            var (_, tags) = Assert.Single(pipeline.Span("checkout " + i).Events, e => e.Name == "exception");
            Assert.Equal(exceptions[i].ToString(), tags["exception.stacktrace"]);
        }
    }

    [Fact]
    public void Failure_UnthrownAndThrownFailuresInTurn_ExporterGetsEachExceptionsOwnText()
    {
        using var pipeline = new TelemetryPipeline();
        var exceptions = NeverThrownAndThrownInTurn();

        using (var activity = pipeline.Source.StartActivity("checkout"))
        {
            foreach (var exception in exceptions)
            {
                activity!.AddException(exception);
            }
        }

        var printed = pipeline.Span("checkout").Events.Where(e => e.Name == "exception").Select(e => e.Tags["exception.stacktrace"]);
        Assert.Equal(exceptions.Select(e => (object?)e.ToString()), printed);
    }

    [Fact]
    public void TryRender_SameUnthrownFailureAgain_ReusesTheText()
    {
        // Tests running in parallel render exceptions too and may take the one slot in between: a few tries.
        var reused = false;
        for (var attempt = 0; attempt < 20 && !reused; attempt++)
        {
            var first = new TimeoutException("The database did not answer within 30 seconds.");
            var again = new TimeoutException(string.Concat("The database did not answer ", "within 30 seconds."));

            var firstText = PlainRendering.TryRender(first, first.Message, out _);
            var againText = PlainRendering.TryRender(again, again.Message, out var stackStart);

            Assert.Equal(again.ToString(), againText);
            Assert.Equal(-1, stackStart);
            reused = ReferenceEquals(firstText, againText);
        }

        Assert.True(reused);
    }

    private static Type Nest(int depth)
    {
        var type = typeof(int);
        for (var i = 0; i < depth; i++)
        {
            type = typeof(Counted<>).MakeGenericType(type);
        }

        return type;
    }

    private static Dictionary<string, Exception> PlainExceptions() => new()
    {
        ["timeout, not thrown"] = new TimeoutException("The database did not answer within 30 seconds."),
        ["timeout, thrown"] = TestExceptions.Thrown(new TimeoutException("The database did not answer within 30 seconds.")),
        ["default message"] = new InvalidOperationException(),
        ["empty message, thrown"] = TestExceptions.Thrown(new InvalidOperationException(string.Empty)),
        ["message with line breaks"] = TestExceptions.Thrown(new InvalidOperationException("first line\nsecond line\r\nthird")),
        ["runtime type extending the message"] = TestExceptions.Thrown(new ArgumentException("Amount must be positive.", "amount")),
        ["argument null"] = new ArgumentNullException("order"),
        ["key not found, thrown"] = TestExceptions.Thrown(new KeyNotFoundException("order 42")),
        ["http request"] = new HttpRequestException("Service unavailable", null, HttpStatusCode.ServiceUnavailable),
        ["application type"] = TestExceptions.Thrown(new PlainApplicationException("order 42 failed")),
        ["generic application type"] = new GenericException<int, string>("order 42 failed"),
    };

    private sealed class Counted<T>;

    private sealed class PlainApplicationException(string message) : Exception(message);

    private sealed class GenericException<T1, T2>(string message) : Exception(message);

    private sealed class OwnToStringException(string message) : Exception(message)
    {
        public override string ToString() => "custom text";
    }

    private sealed class OwnMessageException : Exception
    {
        public override string Message => "computed message";
    }

    private sealed class OwnStackTraceException : Exception
    {
        public override string? StackTrace => "   at somewhere";
    }
}
