using System.Runtime.CompilerServices;

namespace ErrorTelemetry.Failures.Internal;

/// <summary>
/// What this process has worked out about one exception, kept for as long as the exception lives: its failure (so
/// it is classified and counted once however many spans and log records carry it) and its rendered text (so it is
/// rendered and redacted once). One weak table entry per exception: an entry costs a GC handle, which on a failure
/// path costs more than classifying the exception.
/// </summary>
/// <remarks>Thread-safe: each fact is set once, the first writer wins.</remarks>
internal sealed class ExceptionFacts
{
    // Weak: an exception that is no longer referenced takes its facts with it, so this never grows without bound.
    private static readonly ConditionalWeakTable<Exception, ExceptionFacts> ByException = new();

    private static readonly ConditionalWeakTable<Exception, ExceptionFacts>.CreateValueCallback Create = static _ => new ExceptionFacts();

    private FailureState? _failure;
    private object? _text;

    /// <summary>Gets the failure decided for the exception, or <see langword="null"/>.</summary>
    public FailureState? Failure => Volatile.Read(ref _failure);

    /// <summary>Gets the text cache entry of <see cref="ExceptionText"/>, or <see langword="null"/>.</summary>
    public object? Text => Volatile.Read(ref _text);

    /// <summary>The facts about <paramref name="exception"/>, created on first use.</summary>
    public static ExceptionFacts Of(Exception exception) => ByException.GetValue(exception, Create);

    /// <summary>The facts about <paramref name="exception"/>, or <see langword="null"/> when none were recorded.</summary>
    public static ExceptionFacts? Find(Exception exception) => ByException.TryGetValue(exception, out var facts) ? facts : null;

    /// <summary>Records the failure unless one is recorded already; returns the one recorded.</summary>
    public FailureState SetFailure(FailureState failure) => Interlocked.CompareExchange(ref _failure, failure, null) ?? failure;

    /// <summary>Records the text entry unless one is recorded already; returns the one recorded.</summary>
    public T SetText<T>(T text)
        where T : class => (T)(Interlocked.CompareExchange(ref _text, text, null) ?? text);
}
