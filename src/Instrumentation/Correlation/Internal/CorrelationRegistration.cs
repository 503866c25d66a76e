using ErrorTelemetry.Http.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Instrumentation.AspNetCore;

namespace ErrorTelemetry.Correlation.Internal;

/// <summary>
/// Registers correlation: options, the message header name, the request's id decision and HttpClient propagation
/// (the span and log processors are part of <c>ProcessorRegistration</c>'s ordered unit).
/// </summary>
internal static class CorrelationRegistration
{
    public static void Register(IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<CorrelationOptions, CorrelationOptionsValidator>()
            .BindConfiguration(CorrelationOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MessageHeaderName>());

        // The request's id is decided from its headers as the official instrumentation starts the server span:
        // ASP.NET Core writes "Request starting" before any middleware runs.
        services.TryAddSingleton<RequestCorrelation>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<AspNetCoreTraceInstrumentationOptions>, RequestCorrelationStart>());

        HttpClientRegistration.Register(services);
    }

    internal static bool IsHeaderName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 64)
        {
            return false;
        }

        foreach (var c in name)
        {
            // RFC 9110 token characters.
            if (c is not ((>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
                or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~'))
            {
                return false;
            }
        }

        return true;
    }
}
