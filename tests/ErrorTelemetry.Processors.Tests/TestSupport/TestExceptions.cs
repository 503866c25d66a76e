namespace ErrorTelemetry.Tests.TestSupport;

/// <summary>Exceptions as the application sees them once thrown (with a stack trace).</summary>
internal static class TestExceptions
{
    /// <summary>Throws <paramref name="exception"/> and returns it as caught.</summary>
    public static T Thrown<T>(T exception)
        where T : Exception
    {
        try
        {
            throw exception;
        }
        catch (T caught)
        {
            return caught;
        }
    }
}
