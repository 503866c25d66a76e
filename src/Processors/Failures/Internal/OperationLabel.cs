using System.Diagnostics;

namespace ErrorTelemetry.Failures.Internal;

/// <summary>
/// Chooses the <c>operation</c> dimension of the failure counter. A metric dimension must never carry free text, so
/// it is built only from vocabulary: for an HTTP operation the request method (one of the standard methods, else
/// <c>_OTHER</c>) and the route template (<c>http.route</c>); otherwise the name the span was started with, when it
/// looks like a code-defined name. Never the span's display name, which application code may set to anything.
/// </summary>
internal static class OperationLabel
{
    /// <summary>The label of an operation whose name is not safe to use as a dimension.</summary>
    public const string Other = "_OTHER";

    private const int MaxRouteLength = 256;
    private const int MaxNameLength = 96;

    // Longer runs of digits are ids, card or phone numbers; longer unbroken alphanumerics are tokens or keys.
    private const int MaxDigitRun = 4;
    private const int MaxWordLength = 32;

    private static NameAnswer? _lastName;

    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "QUERY"];

    /// <summary>Returns the label of the operation that <paramref name="root"/> (a local root span) stands for.</summary>
    public static string Of(Activity root)
    {
        if (root.GetTagItem("http.request.method") is string method)
        {
            var knownMethod = KnownMethod(method);
            return root.GetTagItem("http.route") is string { Length: > 0 and <= MaxRouteLength } route
                ? string.Concat(knownMethod, " ", route)
                : knownMethod;
        }

        return OfName(root.OperationName);
    }

    /// <summary>Returns <paramref name="name"/> when it looks like a name written in code, else <see cref="Other"/>.</summary>
    public static string OfName(string? name)
    {
        // Failures come in runs of one operation, whose name is one string: the last answer is read by reference.
        if (Volatile.Read(ref _lastName) is { } last && ReferenceEquals(last.Name, name))
        {
            return last.Label;
        }

        var label = IsCodeName(name) ? name! : Other;
        if (name is not null)
        {
            Volatile.Write(ref _lastName, new NameAnswer(name, label));
        }

        return label;
    }

    private static string KnownMethod(string method)
    {
        foreach (var known in Methods)
        {
            if (string.Equals(known, method, StringComparison.Ordinal))
            {
                return known;
            }
        }

        return Other;
    }

    // A name such as "ProcessOrder", "orders.sync", "GET /orders/{id}" or a logger category; not one holding an
    // e-mail address, a query string, an id or a token.
    private static bool IsCodeName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            return false;
        }

        var digits = 0;
        var word = 0;
        foreach (var c in name)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
                word++;
            }
            else if (char.IsAsciiLetter(c))
            {
                digits = 0;
                word++;
            }
            else if (c is ' ' or '.' or '_' or '-' or '/' or ':' or '{' or '}' or '*' or '`' or '+' or '<' or '>' or ',')
            {
                digits = 0;
                word = 0;
            }
            else
            {
                return false;
            }

            if (digits > MaxDigitRun || word > MaxWordLength)
            {
                return false;
            }
        }

        return true;
    }

    private sealed record NameAnswer(string Name, string Label);
}
