using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Instrumentation.AspNetCore;

namespace ErrorTelemetry.AspNetCore.Internal;

/// <summary>Registers problem details, the exception recorder and their options; called once by <c>AddErrorTelemetry()</c>.</summary>
internal static class AspNetCoreRegistration
{
    public static void Register(IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<ErrorTelemetryProblemDetailsOptions, ProblemDetailsOptionsValidator>()
            .BindConfiguration(ErrorTelemetryProblemDetailsOptions.SectionName);

        services.TryAddSingleton<ProblemFactory>();
        services.TryAddSingleton<DeveloperDiagnostics>();
        services.TryAddSingleton<RequestFailures>();
        services.TryAddSingleton<AspNetCorePipelineState>();

        // Outermost: ahead of the host's implicit routing, authentication, authorization and developer exception page.
        services.Insert(0, ServiceDescriptor.Transient<IStartupFilter, ErrorTelemetryStartupFilter>());

        // The framework's problems (validation, status code pages, Results.Problem, MVC) get our fields too. Ours run
        // first, so an application's own customization can still change anything.
        services.AddProblemDetails();
        services.AddOptions<ProblemDetailsOptions>().PostConfigure<RequestFailures>(static (options, failures) =>
        {
            var application = options.CustomizeProblemDetails;
            options.CustomizeProblemDetails = application is null
                ? failures.Customize
                : context =>
                {
                    failures.Customize(context);
                    application(context);
                };
        });

        // First in line, whatever the application registers later: the service takes the first writer that can write,
        // and the exception handler middleware asks handlers in registration order.
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, HtmlProblemDetailsWriter>());
        services.Insert(0, ServiceDescriptor.Singleton<IExceptionHandler, RecordingExceptionHandler>());

        // Development: the developer exception page asks its filters first; ours answers as in Production, redacted.
        services.Insert(0, ServiceDescriptor.Singleton<IDeveloperPageExceptionFilter, DeveloperPageFilter>());

        // Minimal APIs otherwise answer a malformed JSON body or an unparsable parameter in Production with a bare 400
        // and no trace of why; thrown, our middleware turns it into a VALIDATION_MALFORMED_JSON or VALIDATION_FAILED
        // problem naming the field. Only with the middleware in the pipeline (the framework reads this at the first
        // Map call, after UseErrorTelemetry()); an application that sets ThrowOnBadRequest itself later wins.
        services.AddOptions<RouteHandlerOptions>().Configure<AspNetCorePipelineState>(static (o, state) =>
        {
            if (state.Enabled)
            {
                o.ThrowOnBadRequest = true;
            }
        });

        // Every instance of the official instrumentation (the one AddErrorTelemetry() adds, and named ones an
        // application adds) keeps our span name and route, and the application's own enrichment still runs after ours.
        services.PostConfigureAll<AspNetCoreTraceInstrumentationOptions>(ServerSpan.Compose);

        // MVC's model-binding messages quote the submitted value, and its JSON errors quote parser internals.
        services.Configure<MvcOptions>(ValidationMessages.Configure);
        services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(static o => o.AllowInputFormatterExceptionMessages = false);
    }
}
