using System.Diagnostics;

namespace ErrorTelemetry.Hosting.Internal;

/// <summary>
/// Composes our enrichment with the application's on an official instrumentation's options: the instrumentations
/// hold one delegate per hook, so whoever assigns last would silently replace the other.
/// </summary>
internal static class Enrichment
{
    /// <summary>Ours first, then the application's, which sees (and may deliberately change) what ours set.</summary>
    public static Action<Activity, T> Compose<T>(Action<Activity, T> ours, Action<Activity, T>? application) =>
        application is null
            ? ours
            : (activity, value) =>
            {
                ours(activity, value);
                application(activity, value);
            };
}
