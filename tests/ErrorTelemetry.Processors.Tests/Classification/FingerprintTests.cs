using System.Runtime.CompilerServices;
using ErrorTelemetry.Catalog.Internal;
using ErrorTelemetry.Classification.Internal;
using ErrorTelemetry.Failures.Internal;

namespace ErrorTelemetry.Tests.Classification;

public class FingerprintTests
{
    private static readonly ErrorDefinition OrderFailed = new("ORDER_FAILED", ErrorCategory.Internal, "The order failed.");

    [Theory]
    [InlineData("", 0xcbf29ce484222325UL)]
    [InlineData("a", 0xaf63dc4c8601ec8cUL)]
    [InlineData("foobar", 0x85944171f73967e8UL)]
    public void Fnv1a64_PublishedTestVectors_Match(string text, ulong expected)
    {
        Assert.Equal(expected, Fingerprint.Fnv1a64(text));
    }

    [Fact]
    public void Compute_Parts_IsFnv1aOfTheNewlineJoinedParts()
    {
        string[] frames = ["MyApp.Orders.OrderService.Place", "MyApp.Orders.OrdersController.Post"];

        var fingerprint = Fingerprint.Compute("ORDER_NOT_FOUND", "System.InvalidOperationException", frames);

        var joined = "ORDER_NOT_FOUND\nSystem.InvalidOperationException\nMyApp.Orders.OrderService.Place\nMyApp.Orders.OrdersController.Post";
        Assert.Equal(Fingerprint.Fnv1a64(joined).ToString("x16", System.Globalization.CultureInfo.InvariantCulture), fingerprint);
    }

    [Fact]
    public void Compute_KnownParts_MatchesThePinnedValue()
    {
        // Pinned once: the hash is a pure function of the parts (no string.GetHashCode, no per-process seed), so
        // every process, restart and machine computes this value. If it changes, existing groupings break.
        var fingerprint = Fingerprint.Compute("ORDER_NOT_FOUND", "System.InvalidOperationException", ["MyApp.Orders.OrderService.Place", "MyApp.Orders.OrdersController.Post"]);

        Assert.Equal("1ea678ffd5caa467", fingerprint);
    }

    [Fact]
    public void Compute_RealException_MatchesThePinnedValue()
    {
        // Each test run is a fresh process, so a value pinned from an earlier run proves restarts agree. It is
        // fnv1a64("ORDER_FAILED\nSystem.TimeoutException\n<frame 1>\n<frame 2>"), checked independently in Python.
        var exception = Capture(SiteA);

        Assert.Equal(
            ["ErrorTelemetry.Tests.Classification.FingerprintTests.SiteA", "ErrorTelemetry.Tests.Classification.FingerprintTests.Capture"],
            Fingerprint.ApplicationFrames(exception));
        Assert.Equal("66eae05e9c233374", Fingerprint.Compute(OrderFailed, exception));
        Assert.Equal(16, Fingerprint.Compute(OrderFailed, exception).Length);
    }

    [Fact]
    public void Compute_SameSiteTwice_IsEqual()
    {
        Assert.Equal(Fingerprint.Compute(OrderFailed, Capture(SiteA)), Fingerprint.Compute(OrderFailed, Capture(SiteA)));
    }

    [Fact]
    public void Compute_SameSiteDifferentMessages_IsEqual()
    {
        Assert.Equal(
            Fingerprint.Compute(OrderFailed, CaptureWithMessage("order 1 failed for alice@example.com")),
            Fingerprint.Compute(OrderFailed, CaptureWithMessage("order 2 failed for bob@example.com")));
    }

    [Fact]
    public void Compute_RenderedSameSiteDifferentMessages_EqualAndAsWithoutTheSiteCache()
    {
        var first = CaptureWithMessage("order 1 failed");
        var second = CaptureWithMessage("order 2 failed for alice@example.com");

        var firstRendered = ExceptionText.Raw(first);
        var secondRendered = ExceptionText.Raw(second);

        Assert.True(firstRendered.StackStart > 0);
        var fromFirst = Fingerprint.Compute(OrderFailed, first, firstRendered);
        var fromSecond = Fingerprint.Compute(OrderFailed, second, secondRendered);
        Assert.Equal(fromFirst, fromSecond);
        Assert.Equal(Fingerprint.Compute(OrderFailed, second, (string?)null), fromSecond);
        Assert.True(Fingerprint.CachedSites > 0);
    }

    [Fact]
    public void Compute_RenderedTwoSitesAndTwoCodesInTurn_EachAsWithoutTheSiteCache()
    {
        // A remembered site must answer only for its own stack, code and type.
        for (var round = 0; round < 2; round++)
        {
            foreach (var exception in new[] { Capture(SiteA), Capture(SiteB), Capture(SiteAWithOtherType) })
            {
                foreach (var definition in new[] { OrderFailed, BuiltInErrors.Unclassified })
                {
                    Assert.Equal(
                        Fingerprint.Compute(definition, exception, (string?)null),
                        Fingerprint.Compute(definition, exception, ExceptionText.Raw(exception)));
                }
            }
        }

        Assert.NotEqual(
            Fingerprint.Compute(OrderFailed, Capture(SiteA), ExceptionText.Raw(Capture(SiteA))),
            Fingerprint.Compute(OrderFailed, Capture(SiteB), ExceptionText.Raw(Capture(SiteB))));
    }

    [Fact]
    public void Compute_OneRenderedTextForARunOfFailures_EachAsWithoutTheSiteCache()
    {
        // A storm of one failure: every exception is rendered as one text (PlainRendering), which answers the next one by
        // its identity.
        var first = Capture(SiteA);
        var second = Capture(SiteA);
        var rendered = ExceptionText.Raw(first);
        var other = new ErrorDefinition("OTHER_CODE", ErrorCategory.Internal, "Other.");

        var fromFirst = Fingerprint.Compute(OrderFailed, first, rendered);
        var fromSecond = Fingerprint.Compute(OrderFailed, second, rendered);
        var underOtherCode = Fingerprint.Compute(other, second, rendered);
        var again = Fingerprint.Compute(OrderFailed, second, rendered);

        Assert.Equal(Fingerprint.Compute(OrderFailed, first, (string?)null), fromFirst);
        Assert.Equal(fromFirst, fromSecond);
        Assert.Equal(Fingerprint.Compute(other, second, (string?)null), underOtherCode);
        Assert.NotEqual(fromSecond, underOtherCode);
        Assert.Equal(fromFirst, again);
    }

    [Fact]
    public void Compute_TwoCallSites_Differ()
    {
        Assert.NotEqual(Fingerprint.Compute(OrderFailed, Capture(SiteA)), Fingerprint.Compute(OrderFailed, Capture(SiteB)));
    }

    [Fact]
    public void Compute_SharedThrowHelperReachedFromTwoCallers_Differ()
    {
        var viaCheckout = Capture(CheckoutCallsHelper);
        var viaRefund = Capture(RefundCallsHelper);

        Assert.Equal(Fingerprint.Compute(OrderFailed, Capture(CheckoutCallsHelper)), Fingerprint.Compute(OrderFailed, viaCheckout));
        Assert.NotEqual(Fingerprint.Compute(OrderFailed, viaCheckout), Fingerprint.Compute(OrderFailed, viaRefund));
    }

    [Fact]
    public void Compute_DifferentCodeOrType_Differ()
    {
        var timeout = Capture(SiteA);
        var other = new ErrorDefinition("OTHER_CODE", ErrorCategory.Internal, "Other.");

        Assert.NotEqual(Fingerprint.Compute(OrderFailed, timeout), Fingerprint.Compute(other, timeout));
        Assert.NotEqual(Fingerprint.Compute(OrderFailed, timeout), Fingerprint.Compute(OrderFailed, Capture(SiteAWithOtherType)));
    }

    [Fact]
    public void ApplicationFrames_FrameworkAndLibraryFrames_AreLeftOut()
    {
        var parse = Capture(ParsesBadNumber);
        var lookup = Capture(LooksUpMissingCode);

        Assert.Equal("ErrorTelemetry.Tests.Classification.FingerprintTests.ParsesBadNumber", Fingerprint.ApplicationFrames(parse)[0]);
        Assert.Equal("ErrorTelemetry.Tests.Classification.FingerprintTests.LooksUpMissingCode", Fingerprint.ApplicationFrames(lookup)[0]);
    }

    [Fact]
    public async Task ApplicationFrames_AsyncMethodsAndLambdas_AreNormalized()
    {
        var exception = await Assert.ThrowsAsync<TimeoutException>(() => OuterAsync());

        Assert.Equal(
            [
                "ErrorTelemetry.Tests.Classification.FingerprintTests.InnerAsync.<lambda0>",
                "ErrorTelemetry.Tests.Classification.FingerprintTests.InnerAsync",
                "ErrorTelemetry.Tests.Classification.FingerprintTests.OuterAsync",
            ],
            Fingerprint.ApplicationFrames(exception).Take(3));
    }

    [Fact]
    public void ApplicationFrames_ManyFrames_KeepsTheTopFive()
    {
        var exception = Capture(() => Recurse(20));

        var frames = Fingerprint.ApplicationFrames(exception);

        Assert.Equal(Fingerprint.MaxFrames, frames.Count);
        Assert.All(frames, f => Assert.Equal("ErrorTelemetry.Tests.Classification.FingerprintTests.Recurse", f));
    }

    [Fact]
    public void Compute_WrapperWithoutStack_UsesTheFirstCauseWithApplicationFrames()
    {
        var fromA = new InvalidOperationException("wrapped", Capture(SiteA));
        var fromB = new InvalidOperationException("wrapped", Capture(SiteB));

        Assert.NotEqual(Fingerprint.Compute(OrderFailed, fromA), Fingerprint.Compute(OrderFailed, fromB));
    }

    [Fact]
    public void Compute_NoException_DependsOnTheCodeOnly()
    {
        Assert.Equal(Fingerprint.Compute("ORDER_FAILED", null, []), Fingerprint.Compute(OrderFailed, null));
        Assert.NotEqual(Fingerprint.Compute(OrderFailed, null), Fingerprint.Compute(BuiltInErrors.Unclassified, null));
    }

    [Fact]
    public void Compute_NotThrownRepeatedly_IsTheCodeAndTypeOnlyEveryTime()
    {
        var expected = Fingerprint.Compute("ORDER_FAILED", "System.TimeoutException", []);

        Assert.Equal(expected, Fingerprint.Compute(OrderFailed, new TimeoutException("first")));
        Assert.Equal(expected, Fingerprint.Compute(OrderFailed, new TimeoutException("second")));
        Assert.NotEqual(expected, Fingerprint.Compute(OrderFailed, new InvalidOperationException("first")));
        Assert.NotEqual(expected, Fingerprint.Compute(BuiltInErrors.Unclassified, new TimeoutException("first")));
    }

    [Fact]
    public void Compute_NotThrownOfDifferentCodesAndTypesInTurn_EachIsItsOwnCodeAndType()
    {
        // The last code and type's key is remembered: it must never answer for another code or type.
        var paymentFailed = new ErrorDefinition("PAYMENT_FAILED", ErrorCategory.Internal, "The payment failed.");
        (ErrorDefinition Definition, Exception Exception, string Type)[] turns =
        [
            (OrderFailed, new TimeoutException("a"), "System.TimeoutException"),
            (OrderFailed, new TimeoutException("b"), "System.TimeoutException"),
            (OrderFailed, new InvalidOperationException("a"), "System.InvalidOperationException"),
            (paymentFailed, new InvalidOperationException("a"), "System.InvalidOperationException"),
            (paymentFailed, new TimeoutException("a"), "System.TimeoutException"),
            (OrderFailed, new TimeoutException("c"), "System.TimeoutException"),
        ];

        foreach (var (definition, exception, type) in turns)
        {
            ExceptionText.Raw(exception);
            Assert.Equal(Fingerprint.Compute(definition.Code, type, []), Fingerprint.Compute(definition, exception));
        }
    }

    [Fact]
    public void Compute_NotThrownThenThrownOfSameType_Differ()
    {
        var notThrown = Fingerprint.Compute(OrderFailed, new TimeoutException("site A"));

        Assert.NotEqual(notThrown, Fingerprint.Compute(OrderFailed, Capture(SiteA)));
        Assert.NotEqual(Fingerprint.Compute(OrderFailed, Capture(SiteA)), Fingerprint.Compute(OrderFailed, Capture(SiteB)));
        Assert.Equal(notThrown, Fingerprint.Compute(OrderFailed, new TimeoutException("site B")));
    }

    [Fact]
    public void Compute_ThrownAndRenderedFirst_StillUsesItsFrames()
    {
        var rendered = Capture(SiteA);
        ExceptionText.Raw(rendered);

        Assert.Equal(Fingerprint.Compute(OrderFailed, Capture(SiteA)), Fingerprint.Compute(OrderFailed, rendered));
        Assert.NotEqual(Fingerprint.Compute(OrderFailed, new TimeoutException("site A")), Fingerprint.Compute(OrderFailed, rendered));
    }

    [Fact]
    public void Compute_ApplicationTypeRenderedOnOneLine_StillTellsThrowSitesApart()
    {
        var fromA = Capture(() => throw new OneLineException());
        var fromB = Capture(() => throw new OneLineException());
        ExceptionText.Raw(fromA);
        ExceptionText.Raw(fromB);

        Assert.NotEqual(Fingerprint.Compute(OrderFailed, fromA), Fingerprint.Compute(OrderFailed, fromB));
    }

    [Fact]
    public void Compute_NotThrownWithMultilineMessageRenderedFirst_IsTheCodeAndTypeOnly()
    {
        var exception = new TimeoutException("first line\nsecond line");
        ExceptionText.Raw(exception);

        Assert.Equal(Fingerprint.Compute("ORDER_FAILED", "System.TimeoutException", []), Fingerprint.Compute(OrderFailed, exception));
    }

    [Fact]
    public void Compute_GenericExceptionType_IgnoresTypeArguments()
    {
        var ofInt = new GenericException<int>();
        var ofString = new GenericException<string>();

        Assert.Equal(Fingerprint.Compute(OrderFailed, ofInt), Fingerprint.Compute(OrderFailed, ofString));
    }

    [Theory]
    [InlineData("MyApp.Orders.OrderService", "Place", "MyApp.Orders.OrderService.Place")]
    [InlineData("MyApp.Orders.OrderService+<PlaceAsync>d__3", "MoveNext", "MyApp.Orders.OrderService.PlaceAsync")]
    [InlineData("MyApp.Orders.OrderService`1+<>c", "<PlaceAsync>b__0_1", "MyApp.Orders.OrderService`1.PlaceAsync.<lambda1>")]
    [InlineData("MyApp.Orders.OrderService+<>c__DisplayClass2_0", "<Place>b__0", "MyApp.Orders.OrderService.Place.<lambda0>")]
    [InlineData("MyApp.Orders.OrderService+<>c__DisplayClass2_0", "<Place>b__4#1", "MyApp.Orders.OrderService.Place.<lambda4>")]
    [InlineData("Program+<>c", "<<Main>$>b__0_2", "Program.Main.<lambda2>")]
    [InlineData("Program+<>c+<<<Main>$>b__0_3>d", "MoveNext", "Program.Main.<lambda3>")]
    [InlineData("MyApp.Orders.OrderService", "<Place>g__Validate|2_0", "MyApp.Orders.OrderService.Place.Validate")]
    [InlineData("MyApp.Program+<>c+<<Main>b__1_0>d", "MoveNext", "MyApp.Program.Main.<lambda0>")]
    [InlineData("MyApp.Program+<<Main>g__RunAsync|0_0>d", "MoveNext", "MyApp.Program.Main.RunAsync")]
    [InlineData("MyApp.Orders.OrderService+<Items>d__5", "System.Collections.IEnumerator.MoveNext", "MyApp.Orders.OrderService.Items")]
    [InlineData("MyApp.Orders.OrderService+Validator", "Check", "MyApp.Orders.OrderService.Validator.Check")]
    public void Normalize_CompilerGeneratedNames_BecomeTheMethodTheDeveloperWrote(string type, string method, string expected)
    {
        Assert.Equal(expected, Fingerprint.Normalize(type, method));
    }

    [Fact]
    public void Normalize_MethodAndClosureOrdinalsChange_AreEqual()
    {
        // A method or closure class added above shifts these numbers; the lambda's place in its method is unchanged.
        Assert.Equal(
            Fingerprint.Normalize("MyApp.Program+<>c", "<Main>b__0_1"),
            Fingerprint.Normalize("MyApp.Program+<>c", "<Main>b__3_1"));
        Assert.Equal(
            Fingerprint.Normalize("MyApp.Program+<>c__DisplayClass0_0", "<Main>b__1"),
            Fingerprint.Normalize("MyApp.Program+<>c__DisplayClass3_2", "<Main>b__1"));
    }

    [Fact]
    public void Normalize_TwoLambdasOfOneMethod_Differ()
    {
        Assert.NotEqual(
            Fingerprint.Normalize("Program+<>c", "<<Main>$>b__0_0"),
            Fingerprint.Normalize("Program+<>c", "<<Main>$>b__0_1"));
    }

    [Fact]
    public void Compute_TwoLambdasOfOneMethodThrowingAlike_Differ()
    {
        Action first = () => throw new TimeoutException("first");
        Action second = () => throw new TimeoutException("second");

        Assert.NotEqual(Fingerprint.Compute(OrderFailed, Capture(first)), Fingerprint.Compute(OrderFailed, Capture(second)));
        Assert.Equal(Fingerprint.Compute(OrderFailed, Capture(first)), Fingerprint.Compute(OrderFailed, Capture(first)));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
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

    // One lambda for both messages: two lambdas would be two call paths.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Exception CaptureWithMessage(string message) => Capture(() => SiteWithMessage(message));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SiteA() => throw new TimeoutException("site A");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SiteB() => throw new TimeoutException("site B");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SiteAWithOtherType() => throw new InvalidOperationException("site A");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SiteWithMessage(string message) => throw new TimeoutException(message);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowHelper() => throw new TimeoutException("helper");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CheckoutCallsHelper() => ThrowHelper();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RefundCallsHelper() => ThrowHelper();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ParsesBadNumber() => _ = int.Parse("x", System.Globalization.CultureInfo.InvariantCulture);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LooksUpMissingCode() => ErrorCatalogFactory.CreateOrThrow(new ErrorTelemetryOptions(), null).Get("NOT_THERE");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Recurse(int depth)
    {
        if (depth == 0)
        {
            throw new TimeoutException();
        }

        Recurse(depth - 1);
    }

    private static async Task OuterAsync()
    {
        await Task.Yield();
        await InnerAsync();
    }

    private static async Task InnerAsync()
    {
        await Task.Yield();
        Action fail = () => throw new TimeoutException("inner");
        fail();
    }

    private sealed class GenericException<T> : Exception;

    // Prints without its stack, as some application exceptions do.
    private sealed class OneLineException : Exception
    {
        public override string ToString() => "one line";
    }
}
