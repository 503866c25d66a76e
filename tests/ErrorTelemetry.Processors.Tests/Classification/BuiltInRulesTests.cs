using ErrorTelemetry.Classification.Internal;
using ErrorTelemetry.Failures.Internal;

namespace ErrorTelemetry.Tests.Classification;

// One of these tests fills the process-wide cache of Polly answers past its bound; past it, an answer is decided each
// time, reading the type's names, which allocates whenever the runtime has collected its own cache of them. So the
// tests that assert a repeated classification allocates nothing (ExceptionClassifierTests) run alone with these, and
// the filling test forgets what it filled (the classifications also fill the cache of data getters, UnsetData's: each
// minted type's data is looked for a cause code).
[CollectionDefinition(nameof(BuiltInRulesTests), DisableParallelization = true)]
[Collection(nameof(BuiltInRulesTests))]
public class BuiltInRulesTests
{
    private readonly ExceptionClassifier _classifier = new(new ErrorCatalog(BuiltInErrors.All()));

    [Fact]
    public void Classify_PollyRejectionsAndOtherTypesInTurn_EachTypeKeepsItsOwnCode()
    {
        // The rejection found by type name is remembered per type: an answer must never carry over to another type.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("DEPENDENCY_RESILIENCE_TIMEOUT", Code(new Polly.Timeout.TimeoutRejectedException()));
            Assert.Equal("OPERATION_TIMEOUT", Code(new TimeoutException()));
            Assert.Equal("DEPENDENCY_CIRCUIT_OPEN", Code(new Polly.CircuitBreaker.IsolatedCircuitException()));
            Assert.Equal("UNCLASSIFIED", Code(new InvalidOperationException()));
            Assert.Equal("DEPENDENCY_RATE_LIMITED", Code(new Polly.RateLimiting.RateLimiterRejectedException()));
        }
    }

    [Fact]
    public void Classify_MoreTypesThanTheBound_RemembersAtMostTheBoundAndStillMatches()
    {
        try
        {
            var types = 0;
            for (var i = 0; i <= BuiltInRules.MaxCachedTypes / 32; i++)
            {
                for (var j = 0; j < 33; j++)
                {
                    var type = typeof(NumberedException<,>).MakeGenericType(Nest(typeof(int), i), Nest(typeof(long), j));
                    Assert.Equal("UNCLASSIFIED", Code((Exception)Activator.CreateInstance(type)!));
                    types++;
                }
            }

            Assert.True(types > BuiltInRules.MaxCachedTypes);
            Assert.True(BuiltInRules.CachedTypes <= BuiltInRules.MaxCachedTypes);
            Assert.Equal("DEPENDENCY_RESILIENCE_TIMEOUT", Code(new Polly.Timeout.TimeoutRejectedException()));
        }
        finally
        {
            BuiltInRules.ForgetCachedTypes();
            UnsetData.ForgetCachedTypes();
        }
    }

    private static Type Nest(Type type, int depth)
    {
        for (var i = 0; i < depth; i++)
        {
            type = typeof(Box<>).MakeGenericType(type);
        }

        return type;
    }

    private string Code(Exception exception) => _classifier.Classify(exception).Definition.Code;

    private sealed class Box<T>;

    private sealed class NumberedException<T1, T2> : Exception;
}
