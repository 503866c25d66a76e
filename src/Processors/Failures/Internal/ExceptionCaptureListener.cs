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
/// The listener never samples (its sampling callback is absent), so it changes nothing about which spans exist.
/// It acts only on spans of the sources its tracer provider listens to (<see cref="OwnsSource"/>), so one pipeline
/// in a process never counts or rewrites another pipeline's spans.
/// </remarks>
internal sealed class ExceptionCaptureListener : IDisposable
{
    // The SDK keeps its source filter in the provider's own ActivityListener; asking that listener is the only way to
    // apply the exact same rule (names, wildcards, legacy sources) without duplicating the provider's configuration.
    private static readonly FieldInfo? ProviderListenerField =
        Type.GetType("OpenTelemetry.Trace.TracerProviderSdk, OpenTelemetry", throwOnError: false)
            ?.GetField("listener", BindingFlags.Instance | BindingFlags.NonPublic);

    private static readonly object Yes = new();
    private static readonly object No = new();

    private readonly ActivityListener _listener;
    private readonly Func<object?> _provider;
    private readonly ConditionalWeakTable<ActivitySource, object> _owned = [];

    public ExceptionCaptureListener(Func<string, string>? redact = null, Action<Activity>? unrecordedStopped = null, Func<object?>? provider = null)
    {
        _provider = provider ?? (static () => null);
        _listener = new ActivityListener
        {
            ShouldListenTo = static _ => true,
            ActivityStopped = unrecordedStopped is null ? null : activity =>
            {
                // The SDK runs processors only on spans the sampler recorded; failures count whatever the sampler says.
                if (!activity.IsAllDataRequested && OwnsSource(activity.Source))
                {
                    unrecordedStopped(activity);
                }
            },
            ExceptionRecorder = (Activity activity, Exception exception, ref TagList tags) =>
            {
                if (!OwnsSource(activity.Source))
                {
                    return;
                }

                FailureState.SetException(activity, exception);
                if (!Contains(in tags, "exception.message"))
                {
                    // Activity.AddException fills in only the tags that are missing, so the raw text never lands, and
                    // the text is rendered (with guarded reads) once for the span and every log record of this exception.
                    var rendered = redact is null ? ExceptionText.Raw(exception) : ExceptionText.Redacted(exception, redact);
                    tags.Add("exception.message", rendered.Message);
                    tags.Add("exception.stacktrace", rendered.Text);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>
    /// Whether the tracer provider this listener serves listens to <paramref name="source"/>. Decided once per source.
    /// Before the provider is known, or when its filter cannot be read, every source counts (the earlier behaviour).
    /// </summary>
    internal bool OwnsSource(ActivitySource source)
    {
        if (_owned.TryGetValue(source, out var known))
        {
            return ReferenceEquals(known, Yes);
        }

        if (_provider() is not { } provider)
        {
            return true;
        }

        var owns = true;
        try
        {
            if (ProviderListenerField?.DeclaringType?.IsInstanceOfType(provider) == true
                && ProviderListenerField.GetValue(provider) is ActivityListener { ShouldListenTo: { } shouldListenTo })
            {
                owns = shouldListenTo(source);
            }
        }
        catch (Exception ex)
        {
            Diagnostics.ErrorTelemetryEventSource.Log.ProcessorFailed(nameof(ExceptionCaptureListener), ex);
        }

        _owned.AddOrUpdate(source, owns ? Yes : No);
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
}
