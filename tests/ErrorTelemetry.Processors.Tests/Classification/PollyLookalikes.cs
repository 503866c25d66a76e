// Exceptions named as Polly's rejections (the core matches them by type name, so that it does not depend on Polly).
namespace Polly.Timeout
{
    internal sealed class TimeoutRejectedException : Exception;
}

namespace Polly.CircuitBreaker
{
    internal class BrokenCircuitException : Exception;

    internal sealed class IsolatedCircuitException : BrokenCircuitException;
}

namespace Polly.RateLimiting
{
    internal sealed class RateLimiterRejectedException : Exception;
}
