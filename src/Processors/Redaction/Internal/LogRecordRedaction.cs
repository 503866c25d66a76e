using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using ErrorTelemetry.Failures.Internal;
using ErrorTelemetry.Diagnostics;
using OpenTelemetry.Logs;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Redacts an OpenTelemetry <see cref="LogRecord"/> in place, from a log processor's <c>OnEnd</c>, before the export
/// processor runs. Never throws: on failure the record's text is replaced with <c>[REDACTED:error]</c>.
/// </summary>
/// <remarks>
/// <para>What an exporter can read afterwards, and why nothing raw remains reachable:</para>
/// <list type="bullet">
/// <item><see cref="LogRecord.Attributes"/> is replaced by a redacted copy when any value changed (the original
/// state object, which <c>State</c> also pointed to, is no longer referenced).</item>
/// <item><see cref="LogRecord.Body"/> (the template) and <see cref="LogRecord.FormattedMessage"/> are scanned; the
/// formatted message is re-rendered from the redacted values when a value was replaced by its key. A body that is the
/// very string the state holds as its template, which the redactor has found clean (<see cref="LogValuesShape"/>),
/// is that answer already.</item>
/// <item><see cref="LogRecord.Exception"/> is set to <see langword="null"/> and replaced by the attributes
/// <c>exception.type</c>, <c>exception.message</c> and <c>exception.stacktrace</c> (redacted
/// <see cref="Exception.ToString"/>), the names the OTLP exporter would have used. Call this after anything that
/// needs the exception object.</item>
/// <item>Scopes (exported when <c>IncludeScopes</c> is on) are redacted by the scope provider that the hosting
/// integration installs. If a scope value still needs redaction here, the record's scopes are detached and their
/// redacted values appended as attributes instead.</item>
/// </list>
/// </remarks>
internal static class LogRecordRedaction
{
    private const string ExceptionType = "exception.type";
    private const string ExceptionMessage = "exception.message";
    private const string ExceptionStacktrace = "exception.stacktrace";

    private static readonly FieldInfo? ILoggerDataField =
        typeof(LogRecord).GetField("ILoggerData", BindingFlags.Instance | BindingFlags.NonPublic);

    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.NonPublicFields)]
    private static readonly Type? ILoggerDataType =
        Type.GetType("OpenTelemetry.Logs.LogRecord+LogRecordILoggerData, OpenTelemetry", throwOnError: false);

    private static readonly FieldInfo? ScopeProviderField =
        ILoggerDataType?.GetField("ScopeProvider", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);

    private static readonly FieldInfo? BufferedScopesField =
        ILoggerDataType?.GetField("BufferedScopes", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);

    // One delegate per redactor, so the rendered-text cache recognises the redactor without allocating per call.
    private static readonly ConditionalWeakTable<Redactor, Func<string, string>> RedactFunctions = [];

    private static readonly object KeyProbe = new();

    // The last redactor whose rules keep the exception keys' values (see KeepsExceptionKeys); at most that one is kept alive.
    private static Redactor? _keepsExceptionKeys;

    // The last redactor's delegate: a process has one redactor, which then costs a reference comparison, not a
    // weak-table lookup, per exception. Keeps at most that one redactor alive.
    private static Func<string, string>? _lastRedactFunction;

    // Until some record carries a scope, a record is asked whether it has one at all (no per-thread probe, nothing
    // written); the SDK hands scopes to processors only when IncludeScopes is on, so most processes never see one.
    private static readonly Action<LogRecordScope, object?> NoteScope = static (_, _) => Volatile.Write(ref _scopesSeen, true);

    private static bool _scopesSeen;

    [ThreadStatic]
    private static ScopeProbe? _probe;

    public static void Redact(LogRecord record, Redactor redactor) => Redact(record, redactor, exceptionFacts: null);

    /// <summary>Forgets that a record carried a scope, so the next records are asked again (for tests).</summary>
    internal static void ForgetScopesSeen() => Volatile.Write(ref _scopesSeen, false);

    /// <summary>
    /// <see cref="Redact(LogRecord, Redactor)"/> for a caller that holds the facts of the record's exception
    /// (<paramref name="exceptionFacts"/>; <see langword="null"/>: looked up when needed).
    /// </summary>
    public static void Redact(LogRecord record, Redactor redactor, ExceptionFacts? exceptionFacts)
    {
        if (record is null || redactor is null)
        {
            return;
        }

        try
        {
            RedactCore(record, redactor, exceptionFacts);
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.RedactionFailed("log record", ex);
            FailClosed(record);
        }
    }

    private static void RedactCore(LogRecord record, Redactor redactor, ExceptionFacts? exceptionFacts)
    {
        var attributes = record.Attributes;
        var formattedMessage = record.FormattedMessage;
        string? cleanTemplate = null;
        var redacted = attributes is null ? null : RedactAttributes(redactor, attributes, formattedMessage, out cleanTemplate);
        IReadOnlyList<KeyValuePair<string, object?>>? newAttributes = redacted ?? attributes;

        var scopes = RedactedScopesIfLeaking(record, redactor);
        var exception = record.Exception;
        if (exception is not null && scopes is null && redacted is null && attributes is EnrichedAttributes enriched)
        {
            // The failure processor's own list, unchanged by redaction: the exception's text is appended to it.
            AddException(enriched, exception, exceptionFacts, redactor);
            record.Exception = null;
        }
        else if (exception is not null || scopes is not null)
        {
            var list = new List<KeyValuePair<string, object?>>((newAttributes?.Count ?? 0) + 3);
            if (newAttributes is not null)
            {
                list.AddRange(newAttributes);
            }

            if (scopes is not null)
            {
                list.AddRange(scopes);
            }

            if (exception is not null)
            {
                AddException(list, exception, exceptionFacts, redactor);
                record.Exception = null;
            }

            newAttributes = list;
        }

        if (!ReferenceEquals(newAttributes, attributes))
        {
            record.Attributes = newAttributes;
        }

        if (formattedMessage is not null)
        {
            var message = redactor.Redact(redacted?.Message ?? formattedMessage);
            if (!ReferenceEquals(message, formattedMessage))
            {
                record.FormattedMessage = message;
            }
        }

        // The SDK sets the body to the state's template, the same string: when that was found clean, so is the body.
        var body = record.Body;
        if (body is not null && !ReferenceEquals(body, cleanTemplate))
        {
            var newBody = ReferenceEquals(body, formattedMessage) ? record.FormattedMessage! : redactor.Redact(body);
            if (!ReferenceEquals(newBody, body))
            {
                record.Body = newBody;
            }
        }

#pragma warning disable CS0618 // State is obsolete, but it is still a public way to reach the raw state object.
        if (record.Attributes is null && record.State is not null)
        {
            record.State = null;
        }
#pragma warning restore CS0618
    }

    // An error record's list from the failure processor: when redaction leaves the application's attributes (read
    // through their call site's shape, as on any record) and ours alone, it leaves the list alone, as redacting the
    // list pair by pair would. Otherwise the list is redacted pair by pair, so what is exported is the same either way.
    private static RedactedLogValues? RedactAttributes(
        Redactor redactor,
        IReadOnlyList<KeyValuePair<string, object?>> attributes,
        string? formattedMessage,
        out string? cleanTemplate)
    {
        if (attributes is EnrichedAttributes { Source: { } source } enriched && enriched.Count == enriched.EnrichedCount
            && LogStateRedaction.Keeps(redactor, source, out cleanTemplate)
            && ErrorAttributesKept(redactor, enriched))
        {
            return null;
        }

        return LogStateRedaction.Redact(redactor, attributes, formattedMessage, null, out cleanTemplate);
    }

    // Whether redaction leaves every attribute the failure processor added as it is: the error attributes built from
    // the catalog (the same few strings for every failure of a code, remembered once found clean), then the
    // exception's context and details (application data, redacted every time).
    private static bool ErrorAttributesKept(Redactor redactor, EnrichedAttributes enriched)
    {
        if (!CleanErrorAttributes.Holds(redactor, enriched))
        {
            for (var i = enriched.ErrorStart; i < enriched.ErrorEnd; i++)
            {
                if (!Kept(redactor, enriched[i]))
                {
                    return false;
                }
            }

            CleanErrorAttributes.Remember(redactor, enriched);
        }

        for (var i = enriched.ErrorEnd; i < enriched.Count; i++)
        {
            if (!Kept(redactor, enriched[i]))
            {
                return false;
            }
        }

        return true;

        static bool Kept(Redactor redactor, KeyValuePair<string, object?> pair) =>
            ReferenceEquals(redactor.RedactAttribute(pair.Key, pair.Value, out var drop), pair.Value) && !drop;
    }

    /// <summary>The text of <paramref name="exception"/> redacted by <paramref name="redactor"/>, rendered once per exception.</summary>
    public static RenderedException RenderException(Exception exception, Redactor redactor) =>
        RenderException(exception, exceptionFacts: null, redactor);

    /// <summary>
    /// <see cref="RenderException(Exception, Redactor)"/> for a caller that may hold the exception's facts
    /// (<paramref name="exceptionFacts"/>; <see langword="null"/>: looked up).
    /// </summary>
    public static RenderedException RenderException(Exception exception, ExceptionFacts? exceptionFacts, Redactor redactor)
    {
        var redact = Volatile.Read(ref _lastRedactFunction);
        if (redact is null || !ReferenceEquals(redact.Target, redactor))
        {
            redact = RedactFunctions.GetValue(redactor, static r => r.Redact);
            Volatile.Write(ref _lastRedactFunction, redact);
        }

        return exceptionFacts is null
            ? ExceptionText.Redacted(exception, redact)
            : ExceptionText.Redacted(exception, exceptionFacts, redact);
    }

    private static void AddException(List<KeyValuePair<string, object?>> list, Exception exception, ExceptionFacts? exceptionFacts, Redactor redactor)
    {
        var type = exception.GetType().FullName ?? exception.GetType().Name;
        if (KeepsExceptionKeys(redactor))
        {
            // No key rule applies to the three keys: the text, already redacted as text, is exported as it is.
            list.Add(new(ExceptionType, type));
            var text = RenderException(exception, exceptionFacts, redactor);
            list.Add(new(ExceptionMessage, text.Message));
            list.Add(new(ExceptionStacktrace, text.Text));
            return;
        }

        Add(list, redactor, ExceptionType, type);
        var rendered = RenderException(exception, exceptionFacts, redactor);

        // Already redacted as text; only the key's rule (dropped, sensitive) still applies.
        Add(list, redactor, ExceptionMessage, rendered.Message);
        Add(list, redactor, ExceptionStacktrace, rendered.Text);

        static void Add(List<KeyValuePair<string, object?>> list, Redactor redactor, string key, string value)
        {
            var exported = redactor.ApplyKeyRule(key, value, out var drop);
            if (!drop)
            {
                list.Add(new KeyValuePair<string, object?>(key, exported));
            }
        }
    }

    // Whether the redactor exports the three exception keys with their values as they are (neither dropped nor
    // replaced). A redactor's key rules never change; the last redactor found to keep them is remembered.
    private static bool KeepsExceptionKeys(Redactor redactor)
    {
        if (ReferenceEquals(Volatile.Read(ref _keepsExceptionKeys), redactor))
        {
            return true;
        }

        if (!Keeps(redactor, ExceptionType) || !Keeps(redactor, ExceptionMessage) || !Keeps(redactor, ExceptionStacktrace))
        {
            return false;
        }

        Volatile.Write(ref _keepsExceptionKeys, redactor);
        return true;

        // A key rule that drops or replaces a value would not give back this very object.
        static bool Keeps(Redactor redactor, string key) =>
            ReferenceEquals(redactor.ApplyKeyRule(key, KeyProbe, out var drop), KeyProbe) && !drop;
    }

    // Scopes reach the exporter through an internal scope provider that no public API can replace. When one would
    // still leak (the hosting integration's redacting scope provider is not installed), detach the scopes and
    // return their redacted pairs to be exported as attributes.
    private static List<KeyValuePair<string, object?>>? RedactedScopesIfLeaking(LogRecord record, Redactor redactor)
    {
        if (!Volatile.Read(ref _scopesSeen))
        {
            // The callback runs inline, once per scope: a record with a scope has set the flag before this returns.
            record.ForEachScope(NoteScope, null);
            if (!Volatile.Read(ref _scopesSeen))
            {
                return null;
            }
        }

        var probe = _probe ??= new ScopeProbe();
        probe.Redactor = redactor;
        probe.Leaks = false;
        record.ForEachScope(ScopeProbe.Check, probe);
        probe.Redactor = null;
        if (!probe.Leaks)
        {
            return null;
        }

        var pairs = new List<KeyValuePair<string, object?>>();
        record.ForEachScope(ScopeProbe.Collect, (redactor, pairs));
        if (!DetachScopes(record))
        {
            throw new InvalidOperationException("A log scope needs redaction but the record's scopes cannot be detached.");
        }

        return pairs;
    }

    private static bool DetachScopes(LogRecord record)
    {
        if (ILoggerDataField is null || ScopeProviderField is null || BufferedScopesField is null
            || ILoggerDataField.FieldType != ILoggerDataType)
        {
            return false;
        }

        // The field is a struct: change a boxed copy, then store it back.
        var data = ILoggerDataField.GetValue(record);
        ScopeProviderField.SetValue(data, null);
        BufferedScopesField.SetValue(data, null);
        ILoggerDataField.SetValue(record, data);
        return true;
    }

    private static void FailClosed(LogRecord record)
    {
        try
        {
            record.Body = Redactor.ErrorReplacement;
            record.FormattedMessage = record.FormattedMessage is null ? null : Redactor.ErrorReplacement;
            record.Attributes = [];
            record.Exception = null;
            DetachScopes(record);
        }
        catch (Exception ex)
        {
            ErrorTelemetryEventSource.Log.RedactionFailed("log record (fail-closed)", ex);
        }
    }

    /// <summary>
    /// The error attributes a redactor last left as they are, per code: the same strings (code, category, severity,
    /// fingerprint, cause) come back for every failure of a code, and a redactor whose detectors are pure gives the same
    /// text the same answer, so they are compared by reference instead of redacted again. A fixed table; a redactor
    /// with code detectors is never remembered.
    /// </summary>
    private sealed class CleanErrorAttributes
    {
        private const int SlotMask = 31;

        private static readonly CleanErrorAttributes?[] Slots = new CleanErrorAttributes?[SlotMask + 1];

        private readonly Redactor _redactor;
        private readonly KeyValuePair<string, object?>[] _pairs;

        private CleanErrorAttributes(Redactor redactor, KeyValuePair<string, object?>[] pairs)
        {
            _redactor = redactor;
            _pairs = pairs;
        }

        public static bool Holds(Redactor redactor, EnrichedAttributes enriched)
        {
            var remembered = Volatile.Read(ref SlotOf(enriched));
            if (remembered is null || !ReferenceEquals(remembered._redactor, redactor)
                || remembered._pairs.Length != enriched.ErrorEnd - enriched.ErrorStart)
            {
                return false;
            }

            var pairs = remembered._pairs;
            for (var i = 0; i < pairs.Length; i++)
            {
                var pair = enriched[enriched.ErrorStart + i];
                if (!ReferenceEquals(pairs[i].Key, pair.Key) || !ReferenceEquals(pairs[i].Value, pair.Value))
                {
                    return false;
                }
            }

            return true;
        }

        public static void Remember(Redactor redactor, EnrichedAttributes enriched)
        {
            if (redactor.RemembersCleanValues && enriched.ErrorEnd > enriched.ErrorStart)
            {
                var pairs = new KeyValuePair<string, object?>[enriched.ErrorEnd - enriched.ErrorStart];
                enriched.CopyTo(enriched.ErrorStart, pairs, 0, pairs.Length);
                Volatile.Write(ref SlotOf(enriched), new CleanErrorAttributes(redactor, pairs));
            }
        }

        // The slot of the failure's code (the first error attribute).
        private static ref CleanErrorAttributes? SlotOf(EnrichedAttributes enriched) =>
            ref Slots[enriched.ErrorEnd > enriched.ErrorStart && enriched[enriched.ErrorStart].Value is string code
                ? RecentStrings.QuickSlot(code, SlotMask)
                : 0];
    }

    private sealed class ScopeProbe
    {
        public static readonly Action<LogRecordScope, ScopeProbe> Check = static (scope, probe) =>
        {
            foreach (var pair in scope)
            {
                if (probe.Leaks || string.IsNullOrEmpty(pair.Key) || pair.Key == Redactor.OriginalFormatKey)
                {
                    continue;
                }

                var redacted = probe.Redactor!.RedactAttribute(pair.Key, pair.Value, out var drop);
                probe.Leaks = drop || !ReferenceEquals(redacted, pair.Value);
            }
        };

        public static readonly Action<LogRecordScope, (Redactor Redactor, List<KeyValuePair<string, object?>> Pairs)> Collect =
            static (scope, state) =>
            {
                foreach (var pair in scope)
                {
                    if (string.IsNullOrEmpty(pair.Key) || pair.Key == Redactor.OriginalFormatKey)
                    {
                        continue;
                    }

                    var redacted = state.Redactor.RedactAttribute(pair.Key, pair.Value, out var drop);
                    if (!drop)
                    {
                        state.Pairs.Add(new KeyValuePair<string, object?>(pair.Key, redacted));
                    }
                }
            };

        public Redactor? Redactor { get; set; }

        public bool Leaks { get; set; }
    }
}
