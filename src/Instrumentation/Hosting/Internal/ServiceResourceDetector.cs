using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Resources;

namespace ErrorTelemetry.Hosting.Internal;

/// <summary>
/// Describes the service from configuration and the host, filling in only what the standard
/// <c>OTEL_SERVICE_NAME</c> and <c>OTEL_RESOURCE_ATTRIBUTES</c> leave unset, so ours never shadow the SDK's.
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

        return new Resource(attributes);
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
