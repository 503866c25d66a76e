namespace ErrorTelemetry;

/// <summary>
/// An exception that carries a catalogued error. Application code raises catalogued errors with it.
/// </summary>
/// <remarks>The message is the definition's safe title unless one is given. Thread-safe once thrown.</remarks>
public class CodedException : Exception
{
    /// <summary>Initializes a new instance for a definition.</summary>
    /// <param name="definition">The catalogued error.</param>
    /// <param name="message">A message for engineers; defaults to the definition's title. It is redacted before export.</param>
    /// <param name="innerException">The cause, if any.</param>
    public CodedException(ErrorDefinition definition, string? message = null, Exception? innerException = null)
        : base(message ?? definition?.Title, innerException)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Definition = definition;
    }

    /// <summary>Gets the catalogued error.</summary>
    public ErrorDefinition Definition { get; }
}
