using System.Net;
using System.Reflection;
using ErrorTelemetry.Redaction.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Resources;

namespace ErrorTelemetry.Hosting.Internal;

/// <summary>
/// Describes the service from configuration and the host, filling in only what the standard
/// <c>OTEL_SERVICE_NAME</c> and <c>OTEL_RESOURCE_ATTRIBUTES</c> leave unset, so ours never shadow the SDK's. It also
/// redacts the resource once, when the providers are built: an <c>OTEL_RESOURCE_ATTRIBUTES</c> entry whose key names a
/// secret (<c>db.password</c>, <c>vcs.auth.token</c>) or whose value holds one (an e-mail address, an API key) is
/// detected again here with its redacted value, which wins because the SDK merges later detectors over earlier ones.
/// </summary>
internal sealed class ServiceResourceDetector : IResourceDetector
{
    private readonly IServiceProvider _services;

    public ServiceResourceDetector(IServiceProvider services)
    {
        _services = services;
    }

    public Resource Detect()
    {
        var configuration = _services.GetService<IConfiguration>();
        var environment = _services.GetService<IHostEnvironment>();
        var options = _services.GetService<IOptions<ErrorTelemetryHostOptions>>()?.Value ?? new ErrorTelemetryHostOptions();
        var standard = configuration?["OTEL_RESOURCE_ATTRIBUTES"] ?? string.Empty;

        var attributes = new List<KeyValuePair<string, object>>(3);
        if (string.IsNullOrWhiteSpace(configuration?["OTEL_SERVICE_NAME"]) && !Names(standard, "service.name"))
        {
            var name = options.ServiceName ?? environment?.ApplicationName;
            if (!string.IsNullOrWhiteSpace(name))
            {
                attributes.Add(new("service.name", name));
            }
        }

        if (!Names(standard, "service.version"))
        {
            var version = options.ServiceVersion
                ?? Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            if (!string.IsNullOrWhiteSpace(version))
            {
                attributes.Add(new("service.version", version));
            }
        }

        if (!Names(standard, "deployment.environment.name"))
        {
            var env = options.DeploymentEnvironment ?? environment?.EnvironmentName;
            if (!string.IsNullOrWhiteSpace(env))
            {
                attributes.Add(new("deployment.environment.name", env));
            }
        }

        if (_services.GetService<Redactor>() is { } redactor)
        {
            RedactAll(redactor, attributes);
            AddRedactedOverrides(redactor, standard, attributes);
        }

        return new Resource(attributes);
    }

    private static void RedactAll(Redactor redactor, List<KeyValuePair<string, object>> attributes)
    {
        for (var i = 0; i < attributes.Count; i++)
        {
            var (key, value) = attributes[i];
            attributes[i] = new(key, redactor.RedactAttribute(key, value, out _) ?? Redactor.ErrorReplacement);
        }
    }

    // Parsed as the SDK's environment detector parses it: comma-separated key=value pairs, values URL-decoded.
    private static void AddRedactedOverrides(Redactor redactor, string resourceAttributes, List<KeyValuePair<string, object>> attributes)
    {
        foreach (var part in resourceAttributes.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2);
            if (pair.Length != 2)
            {
                continue;
            }

            var key = pair[0].Trim();
            var value = WebUtility.UrlDecode(pair[1].Trim());
            var redacted = redactor.RedactAttribute(key, value, out var drop);
            if ((drop || !ReferenceEquals(redacted, value)) && !attributes.Exists(a => a.Key == key))
            {
                // Merging cannot remove a key, so a dropped one (fail-closed mode) keeps the key with no data.
                attributes.Add(new(key, drop ? string.Empty : redacted ?? string.Empty));
            }
        }
    }

    private static bool Names(string resourceAttributes, string key)
    {
        foreach (var part in resourceAttributes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && part.AsSpan(0, eq).Trim().Equals(key, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
