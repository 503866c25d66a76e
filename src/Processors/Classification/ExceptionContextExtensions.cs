using System.Globalization;
using ErrorTelemetry.Classification.Internal;

namespace ErrorTelemetry;

/// <summary>
/// Attaches key/value context to any exception as it propagates, the .NET counterpart of Python's <c>add_note</c>.
/// ErrorTelemetry exports the context of the whole exception chain as <c>error.context.&lt;key&gt;</c> attributes,
/// redacted like every other attribute.
/// </summary>
public static class ExceptionContextExtensions
{
    /// <summary>
    /// Adds or replaces a context entry on the exception, stored in <see cref="Exception.Data"/> under a namespaced key.
    /// <code>
    /// catch (Exception ex)
    /// {
    ///     ex.WithContext("orderId", order.Id).WithContext("attempt", attempt);
    ///     throw;
    /// }
    /// </code>
    /// </summary>
    /// <remarks>
    /// Strings, booleans and numbers are kept (integers as <see cref="long"/>, other numbers as <see cref="double"/>);
    /// any other value is stored as its invariant-culture string when it is added, so later changes to the object
    /// do not show. Add context before the exception crosses threads. Throws only for a null exception or a null or
    /// empty key.
    /// </remarks>
    /// <typeparam name="TException">The exception type, kept so calls chain.</typeparam>
    /// <param name="exception">The exception.</param>
    /// <param name="key">The key, e.g. <c>orderId</c>; exported as <c>error.context.orderId</c>.</param>
    /// <param name="value">The value; <see langword="null"/> is not exported.</param>
    /// <returns>The same exception, for <c>throw ex.WithContext(…)</c>.</returns>
    public static TException WithContext<TException>(this TException exception, string key, object? value)
        where TException : Exception
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        exception.Data[ExceptionDataKeys.ContextPrefix + key] = Normalize(value);
        return exception;
    }

    private static object? Normalize(object? value) => value switch
    {
        null or string or bool or long or double => value,
        char[] chars => new string(chars),
        int v => (long)v,
        short v => (long)v,
        byte v => (long)v,
        sbyte v => (long)v,
        ushort v => (long)v,
        uint v => (long)v,
        ulong v when v <= long.MaxValue => (long)v,
        float v => (double)v,
        decimal v => (double)v,
        DateTimeOffset v => v.ToString("O", CultureInfo.InvariantCulture),
        DateTime v => v.ToString("O", CultureInfo.InvariantCulture),
        IFormattable v => v.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
