using System.Globalization;

namespace Demo;

/// <summary>
/// The demo's command line: <c>--duration 30 --rps 20 --refresh 2 --storefront-url … --inventory-url …
/// --no-dashboard --otlp-endpoint URL</c>.
/// </summary>
internal sealed record DemoOptions(
    string StorefrontUrl,
    string InventoryUrl,
    int RequestsPerSecond,
    TimeSpan Duration,
    TimeSpan Refresh,
    bool Dashboard,
    string? OtlpEndpoint)
{
    private const string UsageText =
        "Usage: dotnet run --project examples/Demo [-- --duration SECONDS --rps N --refresh SECONDS --storefront-url URL --inventory-url URL --no-dashboard --otlp-endpoint URL]";

    public static DemoOptions Parse(string[] args)
    {
        var options = new DemoOptions("http://127.0.0.1:5080", "http://127.0.0.1:5081", 20, TimeSpan.Zero, TimeSpan.FromSeconds(2), Dashboard: true, OtlpEndpoint: null);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--no-dashboard")
            {
                options = options with { Dashboard = false };
                continue;
            }

            var value = i + 1 < args.Length ? args[i + 1] : throw Usage($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--storefront-url" => options with { StorefrontUrl = value },
                "--inventory-url" => options with { InventoryUrl = value },
                "--rps" => options with { RequestsPerSecond = PositiveInt(args[i], value) },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(PositiveInt(args[i], value)) },
                "--refresh" => options with { Refresh = TimeSpan.FromSeconds(PositiveInt(args[i], value)) },
                "--otlp-endpoint" => options with { OtlpEndpoint = AbsoluteUrl(args[i], value) },
                _ => throw Usage($"Unknown option {args[i]}."),
            };
            i++;
        }

        return options;
    }

    private static int PositiveInt(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw Usage($"{name} must be a whole number above 0, not '{value}'.");

    private static string AbsoluteUrl(string name, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? value
            : throw Usage($"{name} must be an http or https URL such as http://localhost:4317, not '{value}'.");

    private static ArgumentException Usage(string problem) => new(problem + " " + UsageText);
}
