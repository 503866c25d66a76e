namespace ErrorTelemetry.Classification.Internal;

/// <summary>A user rule registered with <see cref="ErrorTelemetryOptions.Map{TException}(string, Func{TException, bool}?)"/>.</summary>
internal sealed class MappingRule
{
    private MappingRule(Type exceptionType, string code, ErrorDefinition? definition, Func<Exception, bool>? predicate, int order, string name)
    {
        ExceptionType = exceptionType;
        Code = code;
        Definition = definition;
        Predicate = predicate;
        Order = order;
        Name = name;
    }

    public Type ExceptionType { get; }

    public string Code { get; }

    /// <summary>The definition given at registration, if the rule was registered with one rather than a code.</summary>
    public ErrorDefinition? Definition { get; }

    public Func<Exception, bool>? Predicate { get; }

    /// <summary>Registration order; breaks ties between rules for equally specific types.</summary>
    public int Order { get; }

    /// <summary>How start-up errors and diagnostics name the rule, e.g. <c>Map&lt;TimeoutException&gt;("ORDER_TIMEOUT")</c>.</summary>
    public string Name { get; }

    public static MappingRule Create<TException>(string code, ErrorDefinition? definition, Func<TException, bool>? when, int order)
        where TException : Exception
    {
        // The cast closure is allocated once here, so matching needs no generic dispatch per exception.
        Func<Exception, bool>? predicate = when is null ? null : e => when((TException)e);
        var name = $"ErrorTelemetryOptions.Map<{typeof(TException).Name}>(\"{code}\"{(when is null ? string.Empty : ", when")})";
        return new MappingRule(typeof(TException), code, definition, predicate, order, name);
    }
}
