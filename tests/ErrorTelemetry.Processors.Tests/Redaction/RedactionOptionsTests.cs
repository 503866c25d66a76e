using ErrorTelemetry.Redaction.Internal;
using Microsoft.Extensions.Configuration;

namespace ErrorTelemetry.Tests.Redaction;

public class RedactionOptionsTests
{
    [Fact]
    public void Bind_FromConfigurationSection_AddsToDefaults()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ErrorTelemetry:Redaction:SensitiveKeys:0"] = "customer_ref",
            ["ErrorTelemetry:Redaction:PreservedKeys:0"] = "order.*",
            ["ErrorTelemetry:Redaction:PseudonymizationKey"] = "0123456789abcdef0123456789abcdef",
            ["ErrorTelemetry:Redaction:DisabledDetectors:0"] = "phone",
            ["ErrorTelemetry:Redaction:CustomPatterns:employee_id"] = @"EMP-\d{6}",
            ["ErrorTelemetry:Redaction:SensitiveQueryParameters:0"] = "tenant_hint",
            ["ErrorTelemetry:Redaction:FailClosed"] = "true",
            ["ErrorTelemetry:Redaction:AllowedKeys:0"] = "http.*",
        }).Build();

        var options = new RedactionOptions();
        configuration.GetSection(RedactionOptions.SectionName).Bind(options);

        Assert.Equal(["customer_ref"], options.SensitiveKeys);
        Assert.Contains("error.*", options.PreservedKeys);
        Assert.Contains("order.*", options.PreservedKeys);
        Assert.Equal(["enduser.id", "user.id", "customer.id"], options.PseudonymizedKeys);
        Assert.Equal("0123456789abcdef0123456789abcdef", options.PseudonymizationKey);
        Assert.Equal(["phone"], options.DisabledDetectors);
        Assert.Equal(@"EMP-\d{6}", options.CustomPatterns["employee_id"]);
        Assert.Equal(["tenant_hint"], options.SensitiveQueryParameters);
        Assert.True(options.FailClosed);
        Assert.Equal(["correlation.id", "http.*"], options.AllowedKeys);

        var redactor = new Redactor(options);
        Assert.Equal("[REDACTED:employee_id] from order 4", redactor.Redact("EMP-123456 from order 4"));
        Assert.True(redactor.IsPreserved("order.total"));
    }

    [Fact]
    public void Defaults_PreserveIdsAndPseudonymizeUsers()
    {
        var options = new RedactionOptions();
        foreach (var key in new[] { "trace_id", "span_id", "TraceId", "SpanId", "error.*", "http.request.method", "http.response.status_code", "http.route", "url.scheme", "server.port" })
        {
            Assert.Contains(key, options.PreservedKeys);
        }

        Assert.DoesNotContain("correlation.id", options.PreservedKeys);
        Assert.Equal(["correlation.id"], options.AllowedKeys);
        Assert.Equal(["enduser.id", "user.id", "customer.id"], options.PseudonymizedKeys);
        Assert.False(options.FailClosed);
        Assert.Null(options.PseudonymizationKey);
        Assert.Empty(options.CustomPatterns);
        Assert.Empty(options.Detectors);
    }
}
