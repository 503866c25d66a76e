namespace ErrorTelemetry.Classification.Internal;

/// <summary>The <see cref="Exception.Data"/> keys ErrorTelemetry reads and writes; namespaced so they never collide with an application's own.</summary>
internal static class ExceptionDataKeys
{
    /// <summary>A downstream error code (a string that follows the code rule), set by correlation when a call failed with a catalogued error of another service.</summary>
    public const string CauseCode = "ErrorTelemetry.CauseCode";

    /// <summary>The prefix of context entries added with <c>WithContext</c>; the rest of the key is the context key.</summary>
    public const string ContextPrefix = "ErrorTelemetry.Context.";
}
