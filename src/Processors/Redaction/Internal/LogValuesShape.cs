using System.Runtime.CompilerServices;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Which values of a structured log state need not be read to be redacted. A <c>LoggerMessage.Define</c> state
/// (<c>LoggerMessage+LogValues`N</c>) holds its values in typed fields and boxes a value-typed one each time it is
/// read through the list; a number, a Boolean, a date or a GUID cannot hold text, so when its key is neither
/// replaced, dropped nor pseudonymized, redaction would leave it as it is, and reading it would only allocate. And
/// the message template (<c>{OriginalFormat}</c>, the same string on every call of a call site) that a redactor once
/// left unchanged is unchanged again.
/// </summary>
/// <remarks>
/// The key of each value is the template's placeholder at the same position, which is how that state names its
/// values; the names read from a template are checked once against the keys the state reports before they are
/// trusted. The answer is remembered per template instance, state type and redactor, so a repeated call site costs
/// reading its template and three comparisons; what a redactor does to a template is remembered only when its
/// detectors are pure (no code detectors). Each position's key is kept as the redactor remembers it, so that a
/// clean value repeated under it is known without a lookup. Thread-safe; the tables are fixed in size.
/// </remarks>
internal static class LogValuesShape
{
    private const int MaxValues = 63;
    private const int TypeMask = 255;
    private const int ShapeMask = 511;

    private static readonly TypeShape?[] Types = new TypeShape?[TypeMask + 1];
    private static readonly StateShape?[] Shapes = new StateShape?[ShapeMask + 1];

    /// <summary>
    /// Returns a bit mask of the positions in <paramref name="values"/> whose value cannot change under redaction
    /// and need not be read, the template included; 0 when every value must be read.
    /// </summary>
    /// <param name="redactor">The redaction engine.</param>
    /// <param name="values">The state pairs.</param>
    /// <param name="count">The number of pairs (<paramref name="values"/>' count, already read by the caller).</param>
    /// <param name="cleanTemplate">The template, when this redactor finds nothing in it as text, so a record body
    /// that is this same string needs no scan; otherwise <see langword="null"/>.</param>
    /// <param name="keys">Per position, the key the state reported there when the shape was first seen, as the
    /// redactor remembers it (<see cref="KnownKey.KeepsRemembered"/> answers without a lookup once the caller has
    /// checked that the pair still has that key); <see langword="null"/> when there is no shape.</param>
    public static ulong Known(
        Redactor redactor,
        IReadOnlyList<KeyValuePair<string, object?>> values,
        int count,
        out string? cleanTemplate,
        out KnownKey?[]? keys)
    {
        cleanTemplate = null;
        keys = null;
        if (count is < 1 or > MaxValues + 1)
        {
            return 0;
        }

        var last = values[count - 1];
        if (last.Value is not string template || last.Key != Redactor.OriginalFormatKey)
        {
            return 0;
        }

        var type = values.GetType();
        ref var slot = ref Shapes[RecentStrings.QuickSlot(template, ShapeMask)];
        var known = Volatile.Read(ref slot);
        if (known is null || !ReferenceEquals(known.Template, template) || !ReferenceEquals(known.Type, type) || !ReferenceEquals(known.Redactor, redactor))
        {
            known = Compute(redactor, values, type, template);
            Volatile.Write(ref slot, known);
        }

        cleanTemplate = known.TextClean ? template : null;
        keys = known.Keys;
        return known.Mask;
    }

    /// <summary>
    /// Returns a bit mask of the positions in <paramref name="values"/> whose value is passed through by type and
    /// need not be read (the template's position aside); 0 when every value must be read.
    /// </summary>
    public static ulong Skippable(Redactor redactor, IReadOnlyList<KeyValuePair<string, object?>> values)
    {
        var count = values.Count;
        return count < 2 ? 0 : Known(redactor, values, count, out _, out _) & ((1UL << (count - 1)) - 1);
    }

    private static StateShape Compute(Redactor redactor, IReadOnlyList<KeyValuePair<string, object?>> values, Type type, string template)
    {
        var count = values.Count;
        var mask = 0UL;
        var typed = TypedPositions(type);
        if (typed != 0 && NamesOf(template, values) is { } names)
        {
            for (var i = 0; i < names.Length; i++)
            {
                if ((typed & (1UL << i)) != 0 && redactor.KeepsTypedValue(names[i]))
                {
                    mask |= 1UL << i;
                }
            }
        }

        // A template's answer is remembered only from a redactor whose detectors are pure (no code detectors), as
        // its clean values are: the same text then always gets the same answer.
        var textClean = false;
        if (redactor.RemembersCleanValues)
        {
            if (ReferenceEquals(redactor.RedactAttribute(Redactor.OriginalFormatKey, template, out var drop), template) && !drop)
            {
                mask |= 1UL << (count - 1);
            }

            textClean = ReferenceEquals(redactor.Redact(template), template);
        }

        var keys = new KnownKey?[count];
        for (var i = 0; i < count - 1; i++)
        {
            if ((mask & (1UL << i)) == 0 && values[i].Key is { } key)
            {
                keys[i] = redactor.RememberedKey(key);
            }
        }

        return new StateShape(template, type, redactor, mask, textClean, keys);
    }

    // Positions of values that are passed through by type (see Redactor.RedactAttribute), for LogValues states.
    private static ulong TypedPositions(Type type)
    {
        ref var slot = ref Types[(RuntimeHelpers.GetHashCode(type) & int.MaxValue) & TypeMask];
        var known = Volatile.Read(ref slot);
        if (known is not null && ReferenceEquals(known.Type, type))
        {
            return known.Typed;
        }

        known = new TypeShape(type, ComputeTypedPositions(type));
        Volatile.Write(ref slot, known);
        return known.Typed;
    }

    private static ulong ComputeTypedPositions(Type type)
    {
        if (!type.IsGenericType || type.Assembly.GetName().Name != "Microsoft.Extensions.Logging.Abstractions"
            || type.GetGenericTypeDefinition().FullName is not { } name
            || !name.StartsWith("Microsoft.Extensions.Logging.LoggerMessage+LogValues`", StringComparison.Ordinal))
        {
            return 0;
        }

        var arguments = type.GetGenericArguments();
        var typed = 0UL;
        for (var i = 0; i < arguments.Length && i < MaxValues; i++)
        {
            if (Redactor.PassesThroughByType(arguments[i]))
            {
                typed |= 1UL << i;
            }
        }

        return typed;
    }

    // The placeholder names of a template, when they are the keys the state reports (read once per remembered shape).
    private static string[]? NamesOf(string template, IReadOnlyList<KeyValuePair<string, object?>> values)
    {
        var names = LogTemplate.PlaceholderNames(template);
        if (names.Length != values.Count - 1)
        {
            return null;
        }

        for (var i = 0; i < names.Length; i++)
        {
            if (!string.Equals(values[i].Key, names[i], StringComparison.Ordinal))
            {
                return null;
            }
        }

        return names;
    }

    private sealed record TypeShape(Type Type, ulong Typed);

    private sealed record StateShape(string Template, Type Type, Redactor Redactor, ulong Mask, bool TextClean, KnownKey?[] Keys);
}
