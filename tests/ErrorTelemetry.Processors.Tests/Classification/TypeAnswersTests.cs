using ErrorTelemetry.Classification.Internal;

namespace ErrorTelemetry.Tests.Classification;

public class TypeAnswersTests
{
    [Fact]
    public void TryGet_TypesInTurn_EachDecidedOnceAndAnsweredWithItsOwn()
    {
        var decided = new List<Type>();
        var answers = new TypeAnswers<string>(4, type =>
        {
            decided.Add(type);
            return type.Name;
        });

        for (var i = 0; i < 3; i++)
        {
            Assert.True(answers.TryGet(typeof(TimeoutException), out var timeout));
            Assert.Equal(nameof(TimeoutException), timeout);
            Assert.True(answers.TryGet(typeof(InvalidOperationException), out var invalid));
            Assert.Equal(nameof(InvalidOperationException), invalid);
        }

        Assert.Equal([typeof(TimeoutException), typeof(InvalidOperationException)], decided);
        Assert.Equal(2, answers.Count);
    }

    [Fact]
    public void TryGet_BoundReached_OtherTypesNotAnsweredAndRememberedOnesStillAre()
    {
        var answers = new TypeAnswers<bool>(2, static _ => true);
        Assert.True(answers.TryGet(typeof(TimeoutException), out _));
        Assert.True(answers.TryGet(typeof(InvalidOperationException), out _));

        Assert.False(answers.TryGet(typeof(ArgumentException), out _));
        Assert.False(answers.TryGet(typeof(TypeAnswersTests), out _));
        Assert.True(answers.TryGet(typeof(TimeoutException), out var remembered));
        Assert.True(remembered);
        Assert.Equal(2, answers.Count);
    }

    [Fact]
    public void TryGet_BoundReachedKeepingRuntimeTypes_RuntimeTypesStillRemembered()
    {
        var answers = new TypeAnswers<bool>(1, static _ => true, keepRuntimeTypes: true);
        Assert.True(answers.TryGet(typeof(TimeoutException), out _));

        Assert.True(answers.TryGet(typeof(ArgumentException), out _));
        Assert.False(answers.TryGet(typeof(TypeAnswersTests), out _));
        Assert.Equal(2, answers.Count);
    }
}
