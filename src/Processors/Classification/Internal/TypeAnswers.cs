using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace ErrorTelemetry.Classification.Internal;

/// <summary>
/// Answers about exception types that are pure functions of the type (what reflection tells about it), decided once
/// per type. Failures come in runs of one type, so the last answer is read without the dictionary's lookup; the
/// answers are the dictionary's own objects, so switching between types allocates nothing.
/// </summary>
/// <remarks>
/// Bounded, so that a process minting exception types (dynamic assemblies) cannot grow it: past
/// <c>maxTypes</c> types, <see cref="TryGet"/> answers <see langword="false"/> for any other type and the caller
/// decides what to do. With <c>keepRuntimeTypes</c>, the runtime library's own exception types (a fixed few hundred)
/// are remembered past the bound too. Thread-safe.
/// </remarks>
/// <typeparam name="T">The answer.</typeparam>
internal sealed class TypeAnswers<T>(int maxTypes, Func<Type, T> decide, bool keepRuntimeTypes = false)
{
    private readonly ConcurrentDictionary<Type, Answer> _answers = new();

    private Answer? _last;

    /// <summary>Gets the number of types whose answer is remembered.</summary>
    public int Count => _answers.Count;

    /// <summary>The answer for <paramref name="type"/>, decided now if it is not remembered yet.</summary>
    /// <returns><see langword="false"/> when the bound is reached and <paramref name="type"/> is not remembered.</returns>
    public bool TryGet(Type type, [MaybeNullWhen(false)] out T value)
    {
        var last = Volatile.Read(ref _last);
        if (last is not null && last.Type == type)
        {
            value = last.Value;
            return true;
        }

        if (!_answers.TryGetValue(type, out var answer))
        {
            if (_answers.Count >= maxTypes && !(keepRuntimeTypes && type.Assembly == typeof(Exception).Assembly))
            {
                value = default;
                return false;
            }

            answer = _answers.GetOrAdd(type, new Answer(type, decide(type)));
        }

        Volatile.Write(ref _last, answer);
        value = answer.Value;
        return true;
    }

    /// <summary>Forgets every answer (for tests that fill the bound of a process-wide instance, so that the tests after them see it with room).</summary>
    internal void Forget()
    {
        _answers.Clear();
        Volatile.Write(ref _last, null);
    }

    private sealed record Answer(Type Type, T Value);
}
