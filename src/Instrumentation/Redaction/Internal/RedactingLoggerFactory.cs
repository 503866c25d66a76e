using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Logs;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// The host's <see cref="ILoggerFactory"/> with every logging provider decorated: console, debug, EventSource and
/// any other provider get redacted messages, state, exceptions and scopes; OpenTelemetry's provider gets redacted
/// scopes only (its log processor redacts the rest). Providers are decorated when the factory is built, so the
/// order of registrations does not matter; providers added later through <see cref="AddProvider"/> are decorated
/// too, but only global filter rules apply to them.
/// </summary>
internal sealed class RedactingLoggerFactory : ILoggerFactory
{
    private readonly LoggerFactory _inner;
    private readonly Redactor _redactor;

    public RedactingLoggerFactory(
        IEnumerable<ILoggerProvider> providers,
        IOptionsMonitor<LoggerFilterOptions> filterOptions,
        IOptions<LoggerFactoryOptions>? factoryOptions,
        IExternalScopeProvider? scopeProvider,
        Redactor redactor)
    {
        _redactor = redactor;
        var (decorated, filters) = DecorateAll(providers, filterOptions, redactor);
        _inner = new LoggerFactory(decorated, filters, factoryOptions, scopeProvider);
    }

    public ILogger CreateLogger(string categoryName) => _inner.CreateLogger(categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _inner.AddProvider(Decorate(provider, _redactor, ownsInner: true));
    }

    public void Dispose() => _inner.Dispose();

    /// <summary>
    /// Decorates every provider, and gives the decorators the filter rules written for the providers they wrap.
    /// Shared with a logger factory of another library built with decorated providers (see
    /// <see cref="RedactionServiceCollectionExtensions"/>).
    /// </summary>
    internal static (List<ILoggerProvider> Providers, IOptionsMonitor<LoggerFilterOptions> Filters) DecorateAll(
        IEnumerable<ILoggerProvider> providers,
        IOptionsMonitor<LoggerFilterOptions> filterOptions,
        Redactor redactor)
    {
        var decorated = new List<ILoggerProvider>();
        var decorations = new List<(Type, Type)>();
        foreach (var provider in providers)
        {
            var decorator = Decorate(provider, redactor, ownsInner: false);
            decorated.Add(decorator);
            if (!ReferenceEquals(decorator, provider))
            {
                decorations.Add((provider.GetType(), decorator.GetType()));
            }
        }

        return (decorated, new RemappedLoggerFilterOptionsMonitor(filterOptions, decorations));
    }

    internal static ILoggerProvider Decorate(ILoggerProvider provider, Redactor redactor, bool ownsInner)
    {
        if (provider is RedactingLoggerProviderBase)
        {
            return provider;
        }

        var isOpenTelemetry = provider is OpenTelemetryLoggerProvider;
        if (provider is ISupportExternalScope)
        {
            var type = typeof(RedactingScopedLoggerProvider<>).MakeGenericType(provider.GetType());
            return (ILoggerProvider)Activator.CreateInstance(type, provider, redactor, !isOpenTelemetry, ownsInner)!;
        }

        if (isOpenTelemetry)
        {
            return provider;
        }

        var plain = typeof(RedactingLoggerProvider<>).MakeGenericType(provider.GetType());
        return (ILoggerProvider)Activator.CreateInstance(plain, provider, redactor, ownsInner)!;
    }
}
