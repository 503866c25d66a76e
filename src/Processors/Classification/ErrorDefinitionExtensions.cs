namespace ErrorTelemetry;

/// <summary>The factory for raising catalogued errors.</summary>
public static class ErrorDefinitionExtensions
{
    /// <summary>
    /// Creates the exception that raises this catalogued error:
    /// <code>throw OrderErrors.OrderNotFound.ToException().WithDetail("orderId", orderId);</code>
    /// </summary>
    /// <remarks>Thread-safe. Throws only for a null definition.</remarks>
    /// <param name="definition">The catalogued error.</param>
    /// <param name="message">A message for engineers; defaults to the definition's title. It is redacted before export.</param>
    /// <param name="innerException">The cause, if any.</param>
    /// <returns>A new <see cref="CodedException"/>, not yet thrown.</returns>
    public static CodedException ToException(this ErrorDefinition definition, string? message = null, Exception? innerException = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return new CodedException(definition, message, innerException);
    }
}
