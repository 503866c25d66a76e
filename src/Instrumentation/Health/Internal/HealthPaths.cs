using Microsoft.AspNetCore.Http;

namespace ErrorTelemetry.Health.Internal;

/// <summary>Recognises requests for the health endpoints, the way routing matches them (case and trailing slash ignored).</summary>
internal sealed class HealthPaths
{
    private readonly PathString _live;
    private readonly PathString _ready;

    public HealthPaths(ErrorTelemetryHealthOptions options)
    {
        _live = new PathString(Normalize(options.LivePath));
        _ready = new PathString(Normalize(options.ReadyPath));
    }

    public bool Matches(PathString path)
    {
        var value = path.Value;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        if (value.Length > 1 && value[^1] == '/')
        {
            // Routing matches "/health/live/" to "/health/live"; the rare trailing slash is worth one substring.
            path = new PathString(value.TrimEnd('/'));
        }

        return path.Equals(_live) || path.Equals(_ready);
    }

    public static string Normalize(string path) => path.Length > 1 ? path.TrimEnd('/') : path;
}
