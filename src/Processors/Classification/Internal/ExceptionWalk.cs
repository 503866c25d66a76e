using System.Runtime.CompilerServices;

namespace ErrorTelemetry.Classification.Internal;

/// <summary>
/// Walks an exception and its causes depth-first, outer before inner (<see cref="Exception.InnerException"/>, or every
/// <see cref="AggregateException.InnerExceptions"/> in order), bounded and cycle-safe, without allocating: the visited
/// set and the work stack live in fixed-size buffers on the stack.
/// </summary>
internal ref struct ExceptionWalk
{
    /// <summary>Nesting levels examined; 0 is the exception itself. Real chains (reflection, task and HTTP wrappers) stay within 5.</summary>
    public const int MaxDepth = 8;

    /// <summary>Distinct exceptions examined in all, which bounds wide <see cref="AggregateException"/>s too.</summary>
    public const int MaxExceptions = 16;

    private ExceptionBuffer _visited;
    private ExceptionBuffer _stack;
    private DepthBuffer _depths;
    private int _visitedCount;
    private int _stackCount;

    /// <summary>
    /// Whether a walk from <paramref name="exception"/> would visit it alone: no inner exception, and not an
    /// <see cref="AggregateException"/> (whose inner exceptions are not its <see cref="Exception.InnerException"/>
    /// alone). Such an exception (most failures) can be read without a walk and its buffers.
    /// </summary>
    public static bool VisitsAlone(Exception exception) => exception.InnerException is null && exception is not AggregateException;

    public ExceptionWalk(Exception root)
    {
        _stack[0] = root;
        _depths[0] = 0;
        _stackCount = 1;
    }

    public bool MoveNext([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Exception? current, out int depth)
    {
        while (_stackCount > 0 && _visitedCount < MaxExceptions)
        {
            _stackCount--;
            var candidate = _stack[_stackCount]!;
            var candidateDepth = _depths[_stackCount];
            _stack[_stackCount] = null;
            if (Visited(candidate))
            {
                continue;
            }

            _visited[_visitedCount++] = candidate;
            if (candidateDepth + 1 < MaxDepth)
            {
                PushCauses(candidate, candidateDepth + 1);
            }

            current = candidate;
            depth = candidateDepth;
            return true;
        }

        current = null;
        depth = 0;
        return false;
    }

    private readonly bool Visited(Exception exception)
    {
        for (var i = 0; i < _visitedCount; i++)
        {
            if (ReferenceEquals(_visited[i], exception))
            {
                return true;
            }
        }

        return false;
    }

    private void PushCauses(Exception exception, int depth)
    {
        if (exception is AggregateException aggregate)
        {
            var inner = aggregate.InnerExceptions;
            var take = Math.Min(inner.Count, MaxExceptions - _stackCount);

            // Pushed in reverse so the first inner exception is examined first.
            for (var i = take - 1; i >= 0; i--)
            {
                Push(inner[i], depth);
            }
        }
        else if (exception.InnerException is { } inner && _stackCount < MaxExceptions)
        {
            Push(inner, depth);
        }
    }

    private void Push(Exception exception, int depth)
    {
        _stack[_stackCount] = exception;
        _depths[_stackCount] = depth;
        _stackCount++;
    }

    [InlineArray(MaxExceptions)]
    private struct ExceptionBuffer
    {
        private Exception? _element;
    }

    [InlineArray(MaxExceptions)]
    private struct DepthBuffer
    {
        private int _element;
    }
}
