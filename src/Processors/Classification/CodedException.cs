namespace ErrorTelemetry;

/// <summary>
/// An exception that carries a catalogued error. Application code raises catalogued errors with it, usually through
/// <see cref="ErrorDefinitionExtensions.ToException"/>:
/// <code>throw OrderErrors.OrderNotFound.ToException().WithDetail("orderId", orderId);</code>
/// </summary>
/// <remarks>
/// The message is the definition's safe title unless one is given. Details are structured metadata: numbers,
/// booleans, GUIDs, times, durations and enum values, never free text, so they cannot carry a message, a secret or
/// personal text by accident; the processors export them as attributes. Add details before throwing; once thrown the
/// exception is safe to read from any thread. The <c>WithDetail</c> methods throw only for a null or empty key.
/// </remarks>
public class CodedException : Exception
{
    private List<KeyValuePair<string, object>>? _details;

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

    /// <summary>Gets the structured details, in the order they were first added.</summary>
    /// <value>The default is empty. Values are <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>,
    /// <see cref="Guid"/>, <see cref="DateTimeOffset"/>, <see cref="TimeSpan"/> or an <see cref="Enum"/>.</value>
    public IReadOnlyList<KeyValuePair<string, object>> Details => (IReadOnlyList<KeyValuePair<string, object>>?)_details ?? [];

    /// <summary>Adds or replaces an integer detail.</summary>
    /// <param name="key">The key, e.g. <c>orderId</c>.</param>
    /// <param name="value">The value.</param>
    /// <returns>This exception, for <c>throw ….WithDetail(…)</c>.</returns>
    public CodedException WithDetail(string key, long value) => Set(key, value);

    /// <summary>Adds or replaces a floating-point detail.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>This exception.</returns>
    public CodedException WithDetail(string key, double value) => Set(key, value);

    /// <summary>Adds or replaces a boolean detail.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>This exception.</returns>
    public CodedException WithDetail(string key, bool value) => Set(key, value);

    /// <summary>Adds or replaces a GUID detail.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>This exception.</returns>
    public CodedException WithDetail(string key, Guid value) => Set(key, value);

    /// <summary>Adds or replaces a point-in-time detail.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>This exception.</returns>
    public CodedException WithDetail(string key, DateTimeOffset value) => Set(key, value);

    /// <summary>Adds or replaces a duration detail.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>This exception.</returns>
    public CodedException WithDetail(string key, TimeSpan value) => Set(key, value);

    /// <summary>Adds or replaces an enum detail, exported as the value's name.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>This exception.</returns>
    public CodedException WithDetail(string key, Enum value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Set(key, value);
    }

    private CodedException Set(string key, object value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        _details ??= [];
        for (var i = 0; i < _details.Count; i++)
        {
            if (string.Equals(_details[i].Key, key, StringComparison.Ordinal))
            {
                _details[i] = new(key, value);
                return this;
            }
        }

        _details.Add(new(key, value));
        return this;
    }
}
