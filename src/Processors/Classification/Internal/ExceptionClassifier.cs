using System.Collections;
using System.Collections.Concurrent;
using ErrorTelemetry.Catalog.Internal;
using ErrorTelemetry.Diagnostics;
using ErrorTelemetry.Failures.Internal;

namespace ErrorTelemetry.Classification.Internal;

/// <summary>
/// Turns any exception into a catalogued error.
/// </summary>
/// <remarks>
/// <para>The exception and its causes are walked depth-first, outer before inner (see <see cref="ExceptionWalk"/>).
/// The decision, in order of precedence:</para>
/// <list type="number">
/// <item>A <see cref="CodedException"/> or a user rule (<c>Map&lt;TException&gt;</c>): the first exception in the walk
/// that is one or that a user rule matches decides. At one exception, a coded exception beats user rules, and among
/// user rules the one for the most specific type (fewest base-type steps) wins, then the one registered first. A
/// coded exception at the top therefore always wins, and wrappers such as TargetInvocationException or a one-inner
/// AggregateException never hide one.</item>
/// <item>When the client aborted the request: an <see cref="OperationCanceledException"/> or <see cref="IOException"/>
/// anywhere in the chain means <c>REQUEST_CANCELLED</c>, not a server failure.</item>
/// <item>The built-in rules: the first exception in the walk with a built-in match decides, except that the weak
/// matches (a bare IOException, an HttpRequestException without status or known cause) yield to any other built-in
/// match deeper in the chain, because they usually just wrap the real cause.</item>
/// <item>Otherwise <c>UNCLASSIFIED</c>.</item>
/// </list>
/// <para>Definitions come from the catalog, so configuration overrides of built-in codes apply. Thread-safe. Never
/// throws for a non-null exception; a user predicate that throws is skipped and reported on the event source.
/// Allocation-free once a given exception type has been seen (user rules are cached per type), apart from
/// <see cref="Exception.Data"/>, which the runtime creates on first read.</para>
/// </remarks>
internal sealed class ExceptionClassifier
{
    private const int MaxCachedTypes = 1024;

    private readonly ErrorCatalog _catalog;
    private readonly ResolvedRule[] _userRules;
    private readonly ConcurrentDictionary<Type, ResolvedRule[]> _rulesByType = new();
    private readonly Dictionary<ErrorDefinition, ResolvedDefinition> _builtIns = new(ReferenceEqualityComparer.Instance);
    private ResolvedDefinition? _lastResolved;

    /// <summary>Creates a classifier with the built-in rules only.</summary>
    public ExceptionClassifier(ErrorCatalog catalog)
        : this(catalog, null)
    {
    }

    /// <summary>Creates a classifier with the built-in rules and the user rules of <paramref name="options"/>.</summary>
    /// <remarks>Rules whose code is not in the catalog are ignored here; the options validator reports them at start.</remarks>
    public ExceptionClassifier(ErrorCatalog catalog, ErrorTelemetryOptions? options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
        foreach (var builtIn in BuiltInErrors.All())
        {
            _builtIns[builtIn] = new ResolvedDefinition(builtIn, catalog.Resolve(builtIn));
        }

        var rules = new List<ResolvedRule>();
        if (options is not null)
        {
            foreach (var rule in options.MappingRules)
            {
                if (rule.Definition is not null)
                {
                    rules.Add(new ResolvedRule(rule, catalog.Resolve(rule.Definition)));
                }
                else if (catalog.TryGet(rule.Code, out var definition))
                {
                    rules.Add(new ResolvedRule(rule, definition));
                }
            }
        }

        _userRules = [.. rules];
    }

    public ErrorCatalog Catalog => _catalog;

    /// <summary>Classifies a failure outside a request, or one whose request was not aborted.</summary>
    public ErrorClassification Classify(Exception exception) => Classify(exception, requestAborted: false);

    /// <summary>Classifies a failure of a request whose abort token is given.</summary>
    public ErrorClassification Classify(Exception exception, CancellationToken requestAborted) =>
        Classify(exception, requestAborted.IsCancellationRequested);

    /// <summary>Classifies a failure.</summary>
    /// <param name="exception">The exception that ended the operation.</param>
    /// <param name="requestAborted">Whether the client aborted the request (e.g. <c>HttpContext.RequestAborted</c> is cancelled).</param>
    public ErrorClassification Classify(Exception exception, bool requestAborted)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (ExceptionWalk.VisitsAlone(exception))
        {
            return ClassifyLone(exception, requestAborted);
        }

        Exception? cancellation = null;
        Exception? builtInMatch = null;
        ErrorDefinition? builtIn = null;
        Exception? weakMatch = null;
        ErrorDefinition? weak = null;

        var walk = new ExceptionWalk(exception);
        while (walk.MoveNext(out var current, out _))
        {
            if (current is CodedException coded)
            {
                return Decide(Resolve(coded.Definition), coded);
            }

            if (_userRules.Length > 0 && MatchUserRule(current) is { } user)
            {
                return Decide(user, current);
            }

            if (requestAborted && cancellation is null && current is OperationCanceledException or IOException)
            {
                cancellation = current;
            }

            if (builtInMatch is null && BuiltInRules.Match(current, out var isWeak) is { } match)
            {
                if (!isWeak)
                {
                    builtInMatch = current;
                    builtIn = match;
                }
                else if (weakMatch is null)
                {
                    weakMatch = current;
                    weak = match;
                }
            }
        }

        if (cancellation is not null)
        {
            return Decide(Resolve(BuiltInErrors.RequestCancelled), cancellation);
        }

        if (builtInMatch is not null)
        {
            return Decide(Resolve(builtIn!), builtInMatch);
        }

        if (weakMatch is not null)
        {
            return Decide(Resolve(weak!), weakMatch);
        }

        return Decide(_catalog.Unclassified, exception);
    }

    /// <summary>
    /// Whether every exception of <paramref name="type"/> without causes is given the same definition, whatever its
    /// instance holds: not a coded exception (its definition is its own), no user rule for the type (a predicate reads
    /// the instance), and no built-in rule that reads the instance (<see cref="BuiltInRules.ReadsInstance"/>). The
    /// cause code read from the exception's data is not part of this answer.
    /// </summary>
    public bool DecidesByTypeAlone(Type type) =>
        !typeof(CodedException).IsAssignableFrom(type)
        && !typeof(AggregateException).IsAssignableFrom(type)
        && (_userRules.Length == 0 || RulesFor(type).Length == 0)
        && !BuiltInRules.ReadsInstance(type);

    // Most failures are one exception without causes: the walk would visit it alone, so it is decided here in the
    // walk's order of precedence (coded, user rule, client abort, built-in match, weak or not), without the walk's
    // buffers on the stack (zeroed on every call, and once more for the cause code).
    private ErrorClassification ClassifyLone(Exception exception, bool requestAborted)
    {
        if (exception is CodedException coded)
        {
            return Decide(Resolve(coded.Definition), coded);
        }

        if (_userRules.Length > 0 && MatchUserRule(exception) is { } user)
        {
            return Decide(user, exception);
        }

        if (requestAborted && exception is OperationCanceledException or IOException)
        {
            return Decide(Resolve(BuiltInErrors.RequestCancelled), exception);
        }

        return BuiltInRules.Match(exception, out _) is { } match
            ? Decide(Resolve(match), exception)
            : Decide(_catalog.Unclassified, exception);
    }

    /// <summary>The definition for an HTTP response that failed without an exception; <see langword="null"/> below 400.</summary>
    public ErrorDefinition? ClassifyStatus(int status) => HttpStatusErrors.ForStatus(_catalog, status);

    /// <summary>
    /// The first catalogued cause below (or on) the deciding exception whose code differs from the decision: an inner
    /// <see cref="CodedException"/>, or a downstream code stored under <see cref="ExceptionDataKeys.CauseCode"/>.
    /// </summary>
    private static string? FindCauseCode(Exception matched, string code)
    {
        if (ExceptionWalk.VisitsAlone(matched))
        {
            // The walk would visit the exception alone, at depth 0, where only its data can name a cause.
            return CauseCodeOf(matched, code);
        }

        var walk = new ExceptionWalk(matched);
        while (walk.MoveNext(out var current, out var depth))
        {
            if (depth > 0 && current is CodedException coded && !string.Equals(coded.Definition.Code, code, StringComparison.Ordinal))
            {
                return coded.Definition.Code;
            }

            if (CauseCodeOf(current, code) is { } cause)
            {
                return cause;
            }
        }

        return null;
    }

    // A downstream code stored in the exception's data, when it is a valid code other than the decision's.
    private static string? CauseCodeOf(Exception exception, string code) =>
        ExceptionText.Data(exception) is { } data
        && CauseCodeIn(data) is { } cause
        && ErrorCodeRule.IsValid(cause)
        && !string.Equals(cause, code, StringComparison.Ordinal)
            ? cause
            : null;

    private static string? CauseCodeIn(IDictionary data)
    {
        try
        {
            return data[ExceptionDataKeys.CauseCode] as string;
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.ExceptionReadFailed(nameof(Exception.Data), ex);
            return null;
        }
    }

    // The catalog's own definition for a matched one (which carries configuration overrides). The catalog never
    // changes: a built-in definition's answer is decided once, and failures come in runs of one code, so the last
    // answer is read first. No lookup by code string, and nothing allocated when the code changes.
    private ErrorDefinition Resolve(ErrorDefinition definition)
    {
        var last = Volatile.Read(ref _lastResolved);
        if (last is not null && ReferenceEquals(last.Matched, definition))
        {
            return last.Resolved;
        }

        if (!_builtIns.TryGetValue(definition, out var known))
        {
            return _catalog.Resolve(definition);
        }

        Volatile.Write(ref _lastResolved, known);
        return known.Resolved;
    }

    private static ErrorClassification Decide(ErrorDefinition definition, Exception matched) =>
        new(definition, matched, FindCauseCode(matched, definition.Code));

    private ErrorDefinition? MatchUserRule(Exception exception)
    {
        var rules = RulesFor(exception.GetType());
        foreach (var rule in rules)
        {
            var predicate = rule.Rule.Predicate;
            if (predicate is null)
            {
                return rule.Definition;
            }

            try
            {
                if (predicate(exception))
                {
                    return rule.Definition;
                }
            }
            catch (Exception e)
            {
                ErrorTelemetryEventSource.Log.CallbackFailed(rule.Rule.Name, e);
            }
        }

        return null;
    }

    private ResolvedRule[] RulesFor(Type type)
    {
        if (_rulesByType.TryGetValue(type, out var cached))
        {
            return cached;
        }

        var applicable = new List<(ResolvedRule Rule, int Distance)>();
        foreach (var rule in _userRules)
        {
            if (rule.Rule.ExceptionType.IsAssignableFrom(type))
            {
                applicable.Add((rule, Distance(type, rule.Rule.ExceptionType)));
            }
        }

        applicable.Sort(static (a, b) => a.Distance != b.Distance
            ? a.Distance.CompareTo(b.Distance)
            : a.Rule.Rule.Order.CompareTo(b.Rule.Rule.Order));
        var rules = new ResolvedRule[applicable.Count];
        for (var i = 0; i < rules.Length; i++)
        {
            rules[i] = applicable[i].Rule;
        }

        // Bounded so that a process minting exception types (dynamic assemblies) cannot grow the cache forever.
        if (_rulesByType.Count < MaxCachedTypes)
        {
            _rulesByType.TryAdd(type, rules);
        }

        return rules;
    }

    private static int Distance(Type type, Type ancestor)
    {
        var distance = 0;
        for (var current = type; current is not null && current != ancestor; current = current.BaseType)
        {
            distance++;
        }

        return distance;
    }

    private sealed record ResolvedRule(MappingRule Rule, ErrorDefinition Definition);

    private sealed record ResolvedDefinition(ErrorDefinition Matched, ErrorDefinition Resolved);
}
