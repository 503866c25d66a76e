using Microsoft.Extensions.Logging;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Wraps the logger factory's scope provider for one logging provider, so every scope it reads is redacted when it
/// is read (values can be pushed before redaction settings exist). Used for console and other providers, and for
/// OpenTelemetry's provider, whose scopes the OTLP exporter sends as attributes when <c>IncludeScopes</c> is on.
/// </summary>
internal sealed class RedactingScopeProvider : IExternalScopeProvider
{
    private readonly IExternalScopeProvider _inner;
    private readonly Redactor _redactor;

    public RedactingScopeProvider(IExternalScopeProvider inner, Redactor redactor)
    {
        _inner = inner;
        _redactor = redactor;
    }

    public void ForEachScope<TState>(Action<object?, TState> callback, TState state) =>
        _inner.ForEachScope(ScopeVisit<TState>.Visit, new ScopeVisit<TState>(callback, state, _redactor));

    public IDisposable Push(object? state) => _inner.Push(state);

    private readonly struct ScopeVisit<TState>(Action<object?, TState> callback, TState state, Redactor redactor)
    {
        public static readonly Action<object?, ScopeVisit<TState>> Visit = static (scope, visit) =>
            visit.Callback(LogStateRedaction.RedactScope(visit.Redactor, scope), visit.State);

        public Action<object?, TState> Callback { get; } = callback;

        public TState State { get; } = state;

        public Redactor Redactor { get; } = redactor;
    }
}
