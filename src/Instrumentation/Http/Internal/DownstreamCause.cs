using System.Diagnostics;

namespace ErrorTelemetry.Http.Internal;

/// <summary>
/// The last failed downstream response of one local operation (an incoming request, a consumed message), kept on
/// the operation's local root span, so that the failure the application raises from it carries the downstream
/// code as its cause.
/// </summary>
/// <remarks>Thread-safe: parallel calls of one request may record concurrently; the last one wins.</remarks>
internal sealed class DownstreamCause
{
    /// <summary>
    /// The <see cref="Exception.Data"/> key under which a downstream failure's code is stored on the
    /// <see cref="HttpRequestException"/> raised for it; the classifier reports it as the cause code
    /// (<c>error.cause.code</c>).
    /// </summary>
    public const string DataKey = ErrorTelemetry.Classification.Internal.ExceptionDataKeys.CauseCode;

    /// <summary>The custom property of the local root span that holds the instance.</summary>
    public const string ActivityProperty = "ErrorTelemetry.DownstreamCause";

    private Entry? _last;

    public void Record(int status, string? code) => Volatile.Write(ref _last, new Entry(status, code));

    /// <summary>The downstream code of the last failed response, if that response had <paramref name="status"/>.</summary>
    public string? CodeFor(int status) => Volatile.Read(ref _last) is { } last && last.Status == status ? last.Code : null;

    public static DownstreamCause? Find(Activity? activity)
    {
        for (var current = activity; current is not null; current = current.Parent)
        {
            if (current.GetCustomProperty(ActivityProperty) is DownstreamCause cause)
            {
                return cause;
            }
        }

        return null;
    }

    public static DownstreamCause GetOrCreate(Activity activity)
    {
        var root = activity;
        while (root.Parent is { } parent)
        {
            root = parent;
        }

        if (root.GetCustomProperty(ActivityProperty) is DownstreamCause existing)
        {
            return existing;
        }

        var cause = new DownstreamCause();
        root.SetCustomProperty(ActivityProperty, cause);
        return cause;
    }

    private sealed record Entry(int Status, string? Code);
}
