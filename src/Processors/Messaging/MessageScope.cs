using System.Diagnostics;
using OpenTelemetry;

namespace ErrorTelemetry;

/// <summary>
/// The handling of one consumed message, as started by <see cref="MessageContext.Extract"/>: its span and its
/// correlation id. Dispose it when the message is handled.
/// </summary>
/// <remarks>Dispose on the flow that created it. Disposing twice is harmless. Never throws.</remarks>
public sealed class MessageScope : IDisposable
{
    private readonly Baggage _previousBaggage;
    private int _disposed;

    internal MessageScope(Activity? activity, string correlationId, Baggage previousBaggage)
    {
        Activity = activity;
        CorrelationId = correlationId;
        _previousBaggage = previousBaggage;
    }

    /// <summary>Gets the span that continues the producer's trace, or <see langword="null"/> when nothing listens to its source.</summary>
    public Activity? Activity { get; }

    /// <summary>Gets the correlation id: the producer's when it sent a well-formed one, otherwise a new one.</summary>
    public string CorrelationId { get; }

    /// <summary>Ends the span and restores the baggage that was current before the message.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Activity?.Dispose();
        Baggage.Current = _previousBaggage;
    }
}
