using System.Diagnostics;
using System.Runtime.CompilerServices;

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

    private const int RouteSets = 32;

    private static readonly RouteAnswer?[] RouteLabels = new RouteAnswer?[RouteSets * 2];

    private static NameAnswer? _lastName;

    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "QUERY"];

    /// <summary>Returns the label of the operation that <paramref name="root"/> (a local root span) stands for.</summary>
    public static string Of(Activity root)
    {
        if (root.GetTagItem("http.request.method") is string method)
        {
            return root.GetTagItem("http.route") is string { Length: > 0 and <= MaxRouteLength } route
                ? OfRoute(method, route)
                : KnownMethod(method);
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

    private static string OfRoute(string method, string route)
    {
        // A route's template is the same string on every request it serves (the endpoint's pattern): the label joined
        // for it and the method before is reused, not joined and allocated again. Two ways per set, so that two routes
        // failing at once whose slots collide do not evict each other on every failure.
        var set = (int)((uint)RuntimeHelpers.GetHashCode(route) % RouteSets) * 2;
        var first = Volatile.Read(ref RouteLabels[set]);
        if (first is not null && first.Matches(method, route))
        {
            return first.Label;
        }

        var second = Volatile.Read(ref RouteLabels[set + 1]);
        if (second is not null && second.Matches(method, route))
        {
            return second.Label;
        }

        var label = string.Concat(KnownMethod(method), " ", route);
        Volatile.Write(ref RouteLabels[set + 1], first);
        Volatile.Write(ref RouteLabels[set], new RouteAnswer(method, route, label));
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

    private sealed record RouteAnswer(string Method, string Route, string Label)
    {
        public bool Matches(string method, string route) =>
            ReferenceEquals(Route, route) && string.Equals(Method, method, StringComparison.Ordinal);
    }
}
