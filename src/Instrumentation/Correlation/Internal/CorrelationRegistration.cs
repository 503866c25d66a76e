using ErrorTelemetry.AspNetCore.Internal;
using ErrorTelemetry.Hosting.Internal;
using ErrorTelemetry.Http.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Correlation.Internal;

/// <summary>Registers correlation: options, the span and log steps that attach <c>correlation.id</c>, and HttpClient propagation.</summary>
internal static class CorrelationRegistration
{
    public static void Register(IServiceCollection services)
    {
        services.AddOptions<CorrelationOptions>()
            .BindConfiguration(CorrelationOptions.SectionName)
            .Validate(
                static o => IsHeaderName(o.HeaderName),
                $"{CorrelationOptions.SectionName}:HeaderName must be an HTTP header name (letters, digits and !#$%&'*+-.^_`|~, at most 64 characters), e.g. X-Correlation-ID.")
            .ValidateOnStart();

        // At the head, like the other ErrorTelemetry processors: exporters must see the attribute whatever the order.
        // The server span's processor decides the request's id from its headers as the span starts, through the
        // HttpContext accessor: ASP.NET Core writes "Request starting" before any middleware runs.
        services.AddHttpContextAccessor();
        services.TryAddSingleton<RequestCorrelation>();
        ProcessorRegistration.MoveToHead(services, static s => s.ConfigureOpenTelemetryTracerProvider(static (sp, t) => t.AddProcessor(new CorrelationSpanProcessor(
            sp.GetService<IHttpContextAccessor>(), sp.GetService<RequestCorrelation>(), sp.GetService<AspNetCorePipelineState>()))));
        ProcessorRegistration.MoveToHead(services, static s => s.ConfigureOpenTelemetryLoggerProvider(static l => l.AddProcessor(new CorrelationLogProcessor())));

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
