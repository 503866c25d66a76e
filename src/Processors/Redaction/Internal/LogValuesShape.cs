using System.Runtime.CompilerServices;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Which values of a <c>LoggerMessage.Define</c> state need not be read to be redacted. Such a state
/// (<c>LoggerMessage+LogValues`N</c>) holds its values in typed fields and boxes a value-typed one each time it is
/// read through the list; a number, a Boolean, a date or a GUID cannot hold text, so when its key is neither
/// replaced, dropped nor pseudonymized, redaction would leave it as it is, and reading it would only allocate.
/// </summary>
/// <remarks>
/// The key of each value is the template's placeholder at the same position, which is how that state names its
/// values; the names read from a template are checked once against the keys the state reports before they are
/// trusted. Any other state type is read whole. Thread-safe; the tables are fixed in size.
/// </remarks>
internal static class LogValuesShape
{
    private const int MaxValues = 63;
    private const int TypeMask = 255;
    private const int TemplateMask = 511;

    private static readonly TypeShape?[] Types = new TypeShape?[TypeMask + 1];
    private static readonly TemplateNames?[] Templates = new TemplateNames?[TemplateMask + 1];

    /// <summary>
    /// Returns a bit mask of the positions in <paramref name="values"/> whose value cannot change under redaction
    /// and need not be read; 0 when every value must be read.
    /// </summary>
    public static ulong Skippable(Redactor redactor, IReadOnlyList<KeyValuePair<string, object?>> values)
    {
        var typed = TypedPositions(values.GetType());
        if (typed == 0)
        {
            return 0;
        }

        var count = values.Count;
        if (count < 2)
        {
            return 0;
        }

        var last = values[count - 1];
        if (last.Key != Redactor.OriginalFormatKey || last.Value is not string template
            || NamesOf(template, values) is not { } names || names.Length != count - 1)
        {
            return 0;
        }

        var skippable = 0UL;
        for (var i = 0; i < names.Length; i++)
        {
            if ((typed & (1UL << i)) != 0 && redactor.KeepsTypedValue(names[i]))
            {
                skippable |= 1UL << i;
            }
        }

        return skippable;
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

    // The placeholder names of a template, once they have been seen to be the keys a state reports.
    private static string[]? NamesOf(string template, IReadOnlyList<KeyValuePair<string, object?>> values)
    {
        ref var slot = ref Templates[RecentStrings.Slot(template, TemplateMask)];
        var known = Volatile.Read(ref slot);
        if (known is not null && ReferenceEquals(known.Template, template))
        {
            return known.Names;
        }

        // Read every key once (this boxes, once per template): the names are used only when they are the keys.
        string[]? names = LogTemplate.PlaceholderNames(template);
        if (names.Length != values.Count - 1)
        {
            names = null;
        }

        for (var i = 0; names is not null && i < names.Length; i++)
        {
            if (!string.Equals(values[i].Key, names[i], StringComparison.Ordinal))
            {
                names = null;
            }
        }

        Volatile.Write(ref slot, new TemplateNames(template, names));
        return names;
    }

    private sealed record TypeShape(Type Type, ulong Typed);

    private sealed record TemplateNames(string Template, string[]? Names);
}
