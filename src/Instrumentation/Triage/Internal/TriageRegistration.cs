using ErrorTelemetry.Failures.Internal;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Triage.Internal;

/// <summary>Registers the triage options, the failure buffer (as a failure sink) and the access log; called by AddErrorTelemetry().</summary>
internal static class TriageRegistration
{
    public static void Register(IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<ErrorTelemetryTriageOptions, TriageOptionsValidator>()
            .BindConfiguration(ErrorTelemetryTriageOptions.SectionName);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp => new FailureBuffer(
            sp.GetRequiredService<IOptions<ErrorTelemetryTriageOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));

        services.TryAddSingleton(static sp => new TriageLinks(TraceLinkTemplate.From(sp.GetRequiredService<IOptions<ErrorTelemetryTriageOptions>>().Value)));

        // The same instance is the sink the recorder feeds and the store the endpoint reads.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IFailureSink, FailureBuffer>(static sp => sp.GetRequiredService<FailureBuffer>()));
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, TriageAccessLog>());
    }
}
