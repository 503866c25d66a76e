using System.Diagnostics;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Redaction.Internal;

namespace ErrorTelemetry.Tests.Failures;

public class KeptTagListsTests
{
    private static readonly object Status500 = 500;
    private static readonly object Status200 = 200;

    [Fact]
    public void TryMatch_SameInstancesInOrder_MatchedWithTheDecisionValues()
    {
        var redactor = new Redactor(new RedactionOptions());
        var lists = new KeptTagLists(redactor);
        var first = Span(redactor, ("http.route", "/orders/{id}"), ("note", "order shipped"), ("http.response.status_code", Status500), ("error.code", "ORDER_LATE"));
        lists.Remember(first);

        var again = Span(redactor, ("http.route", "/orders/{id}"), ("note", "order shipped"), ("http.response.status_code", Status500), ("error.code", "ORDER_LATE"));
        Assert.True(lists.TryMatch(again, out var status, out var code, out _));
        Assert.Same(Status500, status);
        Assert.Equal("ORDER_LATE", code);
    }

    [Fact]
    public void TryMatch_NameFoundClean_RememberedWithTheList()
    {
        var redactor = new Redactor(new RedactionOptions());
        var lists = new KeptTagLists(redactor);
        lists.Remember(Span(redactor, ("note", "order shipped")));

        Assert.True(lists.TryMatch(Span(redactor, ("note", "order shipped")), out _, out _, out var cleanName));
        Assert.Equal("work", cleanName);
    }

    [Fact]
    public void TryMatch_NameWithASecret_NoCleanName()
    {
        var redactor = new Redactor(new RedactionOptions());
        var lists = new KeptTagLists(redactor);
        var span = Span(redactor, ("note", "order shipped"));
        span.DisplayName = "mail dave@example.com";
        lists.Remember(span);

        Assert.True(lists.TryMatch(span, out _, out _, out var cleanName));
        Assert.Null(cleanName);
    }

    [Fact]
    public void TryMatch_FirstOfDuplicateKeys_IsTheDecisionValue()
    {
        var redactor = new Redactor(new RedactionOptions());
        var lists = new KeptTagLists(redactor);
        lists.Remember(Span(redactor, ("http.response.status_code", Status500), ("http.response.status_code", Status200)));

        Assert.True(lists.TryMatch(Span(redactor, ("http.response.status_code", Status500), ("http.response.status_code", Status200)), out var status, out _, out _));
        Assert.Same(Status500, status);
    }

    [Fact]
    public void TryMatch_EqualTextAnotherInstance_NotMatched()
    {
        var redactor = new Redactor(new RedactionOptions());
        var lists = new KeptTagLists(redactor);
        lists.Remember(Span(redactor, ("http.route", "/orders/{id}"), ("note", "order shipped")));

        var copy = new string("order shipped".AsSpan());
        Assert.False(lists.TryMatch(Span(redactor: null, ("http.route", "/orders/{id}"), ("note", copy)), out _, out _, out _));
    }

    [Fact]
    public void TryMatch_TagAddedMissingOrReordered_NotMatched()
    {
        var redactor = new Redactor(new RedactionOptions());
        var lists = new KeptTagLists(redactor);
        lists.Remember(Span(redactor, ("http.route", "/orders/{id}"), ("note", "order shipped")));

        Assert.False(lists.TryMatch(Span(redactor, ("http.route", "/orders/{id}"), ("note", "order shipped"), ("url.scheme", "https")), out _, out _, out _));
        Assert.False(lists.TryMatch(Span(redactor, ("http.route", "/orders/{id}")), out _, out _, out _));
        Assert.False(lists.TryMatch(Span(redactor, ("note", "order shipped"), ("http.route", "/orders/{id}")), out _, out _, out _));
        Assert.False(lists.TryMatch(Span(redactor), out _, out _, out _));
    }

    [Fact]
    public void Remember_PairTheRedactorDoesNotKeepAsRemembered_NothingRemembered()
    {
        // A secret never redacted before is not known to be kept: the list is not remembered, so it is walked (and
        // redacted) every time.
        var redactor = new Redactor(new RedactionOptions());
        var lists = new KeptTagLists(redactor);
        var span = Span(redactor: null, ("http.route", "/orders/{id}"), ("note", "mail dave@example.com"));
        lists.Remember(span);

        Assert.False(lists.TryMatch(span, out _, out _, out _));
    }

    [Fact]
    public void Remember_AnotherRedactorsCleanValue_NotRemembered()
    {
        // What one redactor found clean says nothing of another's answer.
        var other = new Redactor(new RedactionOptions());
        var redactor = new Redactor(new RedactionOptions());
        var lists = new KeptTagLists(redactor);
        var span = Span(other, ("note", "order shipped"));
        lists.Remember(span);

        Assert.False(lists.TryMatch(span, out _, out _, out _));
    }

    [Fact]
    public void Remember_MoreTagsThanAListHolds_NotRemembered()
    {
        var redactor = new Redactor(new RedactionOptions());
        var lists = new KeptTagLists(redactor);
        var tags = Enumerable.Range(0, KeptTagLists.MaxTags + 1).Select(i => ("error.n" + i, (object)"x")).ToArray();
        var span = Span(redactor, tags);
        lists.Remember(span);

        Assert.False(lists.TryMatch(span, out _, out _, out _));
    }

    [Fact]
    public void Remember_ThreeListsUnderOneFirstKey_AListMatchedSinceGetsASecondChance()
    {
        var redactor = new Redactor(new RedactionOptions());
        var lists = new KeptTagLists(redactor);
        var a = Span(redactor, ("http.route", "/a"));
        var b = Span(redactor, ("http.route", "/b"));
        var c = Span(redactor, ("http.route", "/c"));
        lists.Remember(a);
        lists.Remember(b);
        Assert.True(lists.TryMatch(a, out _, out _, out _));
        Assert.True(lists.TryMatch(b, out _, out _, out _));

        // Both were matched: the first miss only takes the hand past one of them.
        lists.Remember(c);
        Assert.False(lists.TryMatch(c, out _, out _, out _));

        // The hand then points at b, matched since it was written: spared too; then at a, not matched since the hand
        // passed it: replaced by c.
        lists.Remember(c);
        lists.Remember(c);
        Assert.False(lists.TryMatch(a, out _, out _, out _));
        Assert.True(lists.TryMatch(b, out _, out _, out _));
        Assert.True(lists.TryMatch(c, out _, out _, out _));
    }

    [Fact]
    public async Task TryMatch_ListsRewrittenByOtherThreads_NeverAnotherListsValues()
    {
        // Two lists alternate in one set while other threads rewrite it: a match answers with its own list's values.
        var redactor = new Redactor(new RedactionOptions());
        var lists = new KeptTagLists(redactor);
        var spans = new[]
        {
            Span(redactor, ("http.route", "/a"), ("http.response.status_code", Status200)),
            Span(redactor, ("http.route", "/b"), ("http.response.status_code", Status500)),
            Span(redactor, ("http.route", "/c"), ("http.response.status_code", Status200), ("error.code", "C")),
        };
        var wrong = 0;
        var matched = 0;
        var tasks = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            var random = new Random(t);
            for (var i = 0; i < 20_000; i++)
            {
                var index = random.Next(spans.Length);
                var span = spans[index];
                if (lists.TryMatch(span, out var status, out var code, out _))
                {
                    Interlocked.Increment(ref matched);
                    var expected = index == 1 ? Status500 : Status200;
                    if (!ReferenceEquals(status, expected) || !Equals(code, index == 2 ? "C" : null))
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }
                else
                {
                    lists.Remember(span);
                }
            }
        }));
        await Task.WhenAll(tasks);

        Assert.Equal(0, wrong);
        Assert.True(matched > 0);
    }

    // A span with these tags, each first redacted by redactor (so that a clean text is remembered under its key).
    private static Activity Span(Redactor? redactor, params (string Key, object Value)[] tags)
    {
        var span = new Activity("work");
        foreach (var (key, value) in tags)
        {
            span.AddTag(key, value);

            // Scanned and found clean the first time, kept as remembered under its key from the second.
            redactor?.RedactAttribute(key, value, out _);
            redactor?.RedactAttribute(key, value, out _);
        }

        return span;
    }
}
