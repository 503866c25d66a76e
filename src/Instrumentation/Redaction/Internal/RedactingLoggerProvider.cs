using Microsoft.Extensions.Logging;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Decorates a logging provider with redaction. The type parameter is the decorated provider's type: the logger
/// factory chooses filter rules by provider type, so each decorated provider needs a type of its own
/// (<see cref="RemappedLoggerFilterOptionsMonitor"/> copies the provider's rules onto it).
/// </summary>
internal abstract class RedactingLoggerProviderBase : ILoggerProvider
{
    private readonly bool _ownsInner;

    protected RedactingLoggerProviderBase(ILoggerProvider inner, Redactor redactor, bool redactMessages, bool ownsInner)
    {
        Inner = inner;
        Redactor = redactor;
        RedactMessages = redactMessages;
        _ownsInner = ownsInner;
    }

    public ILoggerProvider Inner { get; }

    protected Redactor Redactor { get; }

    // False for OpenTelemetry's provider: its log processor redacts the record and needs the original exception to
    // classify it; only its scopes, which no processor can replace, are redacted here.
    protected bool RedactMessages { get; }

    public ILogger CreateLogger(string categoryName)
    {
        var logger = Inner.CreateLogger(categoryName);
        return RedactMessages ? new RedactingLogger(logger, Redactor) : logger;
    }

    public void Dispose()
    {
        if (_ownsInner)
        {
            Inner.Dispose();
        }
    }

    protected void SetInnerScopeProvider(IExternalScopeProvider scopeProvider) =>
        ((ISupportExternalScope)Inner).SetScopeProvider(new RedactingScopeProvider(scopeProvider, Redactor));
}

/// <summary>A redacting decorator for a provider that manages its own scopes.</summary>
internal sealed class RedactingLoggerProvider<TProvider> : RedactingLoggerProviderBase
    where TProvider : ILoggerProvider
{
    public RedactingLoggerProvider(ILoggerProvider inner, Redactor redactor, bool ownsInner)
        : base(inner, redactor, redactMessages: true, ownsInner)
    {
    }
}

/// <summary>A redacting decorator for a provider that reads the factory's scopes.</summary>
internal sealed class RedactingScopedLoggerProvider<TProvider> : RedactingLoggerProviderBase, ISupportExternalScope
    where TProvider : ILoggerProvider
{
    public RedactingScopedLoggerProvider(ILoggerProvider inner, Redactor redactor, bool redactMessages, bool ownsInner)
        : base(inner, redactor, redactMessages, ownsInner)
    {
    }

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => SetInnerScopeProvider(scopeProvider);
}
