using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace ErrorTelemetry.Failures.Internal;

/// <summary>
/// Keeps the exception object behind every <see cref="Activity.AddException"/> call (OpenTelemetry's
/// <c>RecordException</c> goes through it too), because the span's exception event only carries its text, and
/// classification needs the type hierarchy and inner exceptions.
/// </summary>
/// <remarks>
/// It never samples, so it changes nothing about which spans exist. It acts only on spans of the sources its tracer
/// provider listens to (<see cref="OwnsSource"/>), so one pipeline in a process never counts or rewrites another
/// pipeline's spans. It starts as a listener of its own; once the tracer provider is known and its own listener can be
/// read, it moves onto that listener (<see cref="TryAttach"/>): a second listener costs every span of the process
/// another pass of the runtime's listener list at start and stop (about 5 ns a span here). Until then, or when the
/// provider's listener cannot be read, it keeps its own.
/// </remarks>
internal sealed class ExceptionCaptureListener : IDisposable
{
    // The SDK keeps its source filter in the provider's own ActivityListener; asking that listener is the only way to
    // apply the exact same rule (names, wildcards, legacy sources) without duplicating the provider's configuration.
    private static readonly FieldInfo? ProviderListenerField =
        Type.GetType("OpenTelemetry.Trace.TracerProviderSdk, OpenTelemetry", throwOnError: false)
            ?.GetField("listener", BindingFlags.Instance | BindingFlags.NonPublic);

    // Two pipelines may change the same listener's callbacks (two processors in one provider): one at a time.
    private static readonly Lock AttachLock = new();

    private static readonly object Yes = new();
    private static readonly object No = new();

    private const int OwnListener = 0;
    private const int Attaching = 1;
    private const int Attached = 2;
    private const int Disposed = 3;

    private readonly ActivityListener _own;
    private readonly Func<object?> _provider;
    private readonly Action<Activity>? _unrecordedStopped;
    private readonly ExceptionRecorder _record;
    private readonly ConditionalWeakTable<ActivitySource, object> _owned = [];

    private SourceAnswer? _lastSource;
    private int _state;
    private bool _attachFailed;
    private ActivityListener? _target;
    private Action<Activity>? _targetStopped;
    private ExceptionRecorder? _targetRecorder;
    private Action<Activity>? _stoppedHook;
    private ExceptionRecorder? _recorderHook;

    public ExceptionCaptureListener(Func<string, string>? redact = null, Action<Activity>? unrecordedStopped = null, Func<object?>? provider = null)
    {
        _provider = provider ?? (static () => null);
        _unrecordedStopped = unrecordedStopped;
        _record = (Activity activity, Exception exception, ref TagList tags) =>
        {
            if (!OwnsSource(activity.Source))
            {
                return;
            }

            // The exception's facts go with it onto the span: its processing and redaction need not look them up.
            var facts = ExceptionFacts.Of(exception);
            SpanFailure.For(activity).RecordException(exception, facts);
            if (!Contains(in tags, "exception.message"))
            {
                // Activity.AddException fills in only the tags that are missing, so the raw text never lands, and
                // the text is rendered (with guarded reads) once for the span and every log record of this exception.
                var rendered = redact is null ? ExceptionText.Raw(exception, facts) : ExceptionText.Redacted(exception, facts, redact);
                tags.Add("exception.message", rendered.Message);
                tags.Add("exception.stacktrace", rendered.Text);
            }
        };

        // While both this listener and the provider's hooks are in place (a moment during TryAttach), a span may be
        // seen twice; recording and counting are idempotent per span (the first exception and the attached failure
        // win), so that costs nothing but the repeat. Once attached, this listener acts on nothing and is removed.
        _own = new ActivityListener
        {
            ShouldListenTo = static _ => true,
            ActivityStopped = unrecordedStopped is null ? null : activity =>
            {
                // The SDK runs processors only on spans the sampler recorded; failures count whatever the sampler says.
                if (!activity.IsAllDataRequested && Volatile.Read(ref _state) < Attached && OwnsSource(activity.Source))
                {
                    unrecordedStopped(activity);
                }

                TryAttach();
            },
            ExceptionRecorder = (Activity activity, Exception exception, ref TagList tags) =>
            {
                if (Volatile.Read(ref _state) < Attached)
                {
                    _record(activity, exception, ref tags);
                }
            },
        };
        ActivitySource.AddActivityListener(_own);
    }

    /// <summary>Gets whether this listener works through the tracer provider's own listener.</summary>
    internal bool IsAttached => Volatile.Read(ref _state) == Attached;

    /// <summary>
    /// Moves onto the tracer provider's own listener, once the provider is known and has one: its exception recorder
    /// (ours before any it had) and its stop callback (which the SDK ignores for spans it did not record) do what this
    /// listener's did, and this listener goes. Cheap when done or impossible; never throws.
    /// </summary>
    public void TryAttach()
    {
        if (Volatile.Read(ref _state) != OwnListener || Volatile.Read(ref _attachFailed))
        {
            return;
        }

        try
        {
            if (_provider() is not { } provider)
            {
                return;
            }

            if (ProviderListenerField?.DeclaringType?.IsInstanceOfType(provider) != true)
            {
                Volatile.Write(ref _attachFailed, true);
                return;
            }

            // Null while the provider is still being built: tried again on a later span.
            if (ProviderListenerField.GetValue(provider) is not ActivityListener target)
            {
                return;
            }

            lock (AttachLock)
            {
                if (Interlocked.CompareExchange(ref _state, Attaching, OwnListener) != OwnListener)
                {
                    return;
                }

                Hook(target);
                Volatile.Write(ref _state, Attached);
            }

            _own.Dispose();
        }
        catch (Exception ex)
        {
            Volatile.Write(ref _attachFailed, true);
            Diagnostics.ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(ExceptionCaptureListener), ex);
        }
    }

    public void Dispose()
    {
        lock (AttachLock)
        {
            var attached = Interlocked.Exchange(ref _state, Disposed) == Attached;
            if (attached && _target is { } target)
            {
                // Put back what was there, unless someone hooked in after us: then our hooks only pass calls on.
                if (ReferenceEquals(target.ActivityStopped, _stoppedHook))
                {
                    target.ActivityStopped = _targetStopped;
                }

                if (ReferenceEquals(target.ExceptionRecorder, _recorderHook))
                {
                    target.ExceptionRecorder = _targetRecorder;
                }
            }
        }

        _own.Dispose();
    }

    /// <summary>
    /// Whether the tracer provider this listener serves listens to <paramref name="source"/>. Decided once per source.
    /// Before the provider is known, or when its filter cannot be read, every source counts (the earlier behaviour).
    /// </summary>
    internal bool OwnsSource(ActivitySource source)
    {
        // Failures come in runs from one source: the last answer is read without the weak table's lookup.
        if (Volatile.Read(ref _lastSource) is { } last && ReferenceEquals(last.Source, source))
        {
            return last.Owns;
        }

        if (_owned.TryGetValue(source, out var known))
        {
            var knownOwns = ReferenceEquals(known, Yes);
            Volatile.Write(ref _lastSource, new SourceAnswer(source, knownOwns));
            return knownOwns;
        }

        if (_provider() is not { } provider)
        {
            return true;
        }

        var owns = true;
        try
        {
            if (ProviderListenerField?.DeclaringType?.IsInstanceOfType(provider) == true)
            {
                if (ProviderListenerField.GetValue(provider) is not ActivityListener { ShouldListenTo: { } shouldListenTo })
                {
                    // The provider is still being built: every source counts for now, and the answer is not kept, so
                    // that the provider's own filter decides once it is there.
                    return true;
                }

                owns = shouldListenTo(source);
            }
        }
        catch (Exception ex)
        {
            Diagnostics.ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(ExceptionCaptureListener), ex);
        }

        _owned.AddOrUpdate(source, owns ? Yes : No);
        Volatile.Write(ref _lastSource, new SourceAnswer(source, owns));
        return owns;
    }

    private static bool Contains(in TagList tags, string key)
    {
        for (var i = 0; i < tags.Count; i++)
        {
            if (tags[i].Key == key)
            {
                return true;
            }
        }

        return false;
    }

    private void Hook(ActivityListener target)
    {
        var stopped = target.ActivityStopped;
        var recorder = target.ExceptionRecorder;
        var record = _record;
        var unrecordedStopped = _unrecordedStopped;
        _target = target;
        _targetStopped = stopped;
        _targetRecorder = recorder;
        _recorderHook = (Activity activity, Exception exception, ref TagList tags) =>
        {
            if (Volatile.Read(ref _state) != Disposed)
            {
                record(activity, exception, ref tags);
            }

            recorder?.Invoke(activity, exception, ref tags);
        };

        if (unrecordedStopped is not null)
        {
            _stoppedHook = activity =>
            {
                stopped?.Invoke(activity);
                if (!activity.IsAllDataRequested && Volatile.Read(ref _state) != Disposed && OwnsSource(activity.Source))
                {
                    unrecordedStopped(activity);
                }
            };
            target.ActivityStopped = _stoppedHook;
        }

        target.ExceptionRecorder = _recorderHook;
    }

    /// <summary>Whether the provider listens to one source, as last decided (one source is kept alive by it).</summary>
    private sealed record SourceAnswer(ActivitySource Source, bool Owns);
}
