using System.Diagnostics;
using ErrorTelemetry.Failures.Internal;

namespace ErrorTelemetry.Tracing.Internal;

/// <summary>
/// Keeps the exception object behind every <see cref="Activity.AddException"/> call (OpenTelemetry's
/// <c>RecordException</c> goes through it too), because the span's exception event only carries its text, and
/// classification needs the type hierarchy and inner exceptions.
/// </summary>
/// <remarks>
/// The listener never samples (its sampling callback is absent), so it changes nothing about which spans exist.
/// </remarks>
internal sealed class ExceptionCaptureListener : IDisposable
{
    private readonly ActivityListener _listener;

    public ExceptionCaptureListener(Func<string, string>? redact = null, Action<Activity>? unrecordedStopped = null)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = static _ => true,
            ActivityStopped = unrecordedStopped is null ? null : activity =>
            {
                // The SDK runs processors only on spans the sampler recorded; failures count whatever the sampler says.
                if (!activity.IsAllDataRequested)
                {
                    unrecordedStopped(activity);
                }
            },
            ExceptionRecorder = (Activity activity, Exception exception, ref TagList tags) =>
            {
                FailureState.SetException(activity, exception);
                if (redact is not null && !Contains(in tags, "exception.message"))
                {
                    // Activity.AddException fills in only the tags that are missing, so the raw text never lands.
                    tags.Add("exception.message", redact(exception.Message));
                    tags.Add("exception.stacktrace", redact(exception.ToString()));
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

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
