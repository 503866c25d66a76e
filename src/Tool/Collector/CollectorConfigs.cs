using System.Globalization;
using System.Text;
using ErrorTelemetry.Redaction.Internal;

namespace ErrorTelemetry.Tool.Collector;

/// <summary>What the collector configurations are built from: the catalog and the service's redaction options.</summary>
internal sealed record CollectorInputs(
    IReadOnlyList<ErrorDefinition> Catalog,
    RedactionOptions Redaction,
    string GatewayHostname = "otel-gateway",
    string BackendEndpoint = "jaeger:4317",
    int SamplingPercentage = 10);

/// <summary>
/// OpenTelemetry Collector (contrib) configurations for when one collector is not enough: agents next to the
/// services, load-balancing every span and log of a trace to the same gateway (routing key: trace id); gateways that
/// tail-sample, keeping every trace that carries <c>error.code</c> (and every trace of a critical code) and a
/// percentage of the rest. Both redact as the library does: the built-in and configured sensitive keys mask whole
/// values, and under <c>FailClosed</c> only the allowed keys (plus the library's own attributes) pass. The gateway
/// counts failures by code with the count connector, with a separate count of the catalog's critical codes.
/// </summary>
internal static class CollectorConfigs
{
    public static string Agent(CollectorInputs inputs)
    {
        var text = Header("agent", "Runs beside the services (a DaemonSet or sidecar). Every span and log of one trace goes to the same gateway, so the gateway's tail sampling sees whole traces.");
        text.AppendLine("""
            # Liveness endpoint for the orchestrator.
            extensions:
              health_check:
                endpoint: 0.0.0.0:13133

            # OTLP from the services' SDKs.
            receivers:
              otlp:
                protocols:
                  grpc:
                    endpoint: 0.0.0.0:4317
                  http:
                    endpoint: 0.0.0.0:4318

            processors:
              # First in every pipeline: refuse data before running out of memory.
              memory_limiter:
                check_interval: 1s
                limit_percentage: 80
                spike_limit_percentage: 25
            """);
        Redaction(text, inputs.Redaction);
        text.AppendLine("""
              # Batches after redaction, so exports are few and large.
              batch:
                send_batch_size: 8192
                timeout: 5s

            exporters:
              # Routes by trace id: every span and log of a trace reaches the same gateway, whichever agent received it.
              loadbalancing:
                routing_key: traceID
                protocol:
                  otlp:
                    tls:
                      insecure: true
                resolver:
                  dns:
            """);
        text.Append("        hostname: ").AppendLine(inputs.GatewayHostname);
        text.AppendLine("""
                    port: 4317

              # Metrics need no trace affinity: straight to the gateway service.
              otlp/gateway:
            """);
        text.Append("    endpoint: ").Append(inputs.GatewayHostname).AppendLine(":4317");
        text.AppendLine("""
                tls:
                  insecure: true

            service:
              extensions: [health_check]
              pipelines:
                traces:
                  receivers: [otlp]
                  processors: [memory_limiter, redaction, batch]
                  exporters: [loadbalancing]
                logs:
                  receivers: [otlp]
                  processors: [memory_limiter, redaction, batch]
                  exporters: [loadbalancing]
                metrics:
                  receivers: [otlp]
                  processors: [memory_limiter, redaction, batch]
                  exporters: [otlp/gateway]
            """);
        return text.ToString();
    }

    public static string Gateway(CollectorInputs inputs)
    {
        var critical = inputs.Catalog.Where(d => d.Severity == ErrorSeverity.Critical).Select(d => d.Code).ToList();
        var text = Header("gateway", "Receives whole traces from the agents' load balancer, decides per trace what to keep, counts failures by code and exports.");
        text.AppendLine("""
            # Liveness endpoint for the orchestrator and the agents' load balancer.
            extensions:
              health_check:
                endpoint: 0.0.0.0:13133

            # OTLP from the agents.
            receivers:
              otlp:
                protocols:
                  grpc:
                    endpoint: 0.0.0.0:4317

            processors:
              # First in every pipeline: refuse data before running out of memory.
              memory_limiter:
                check_interval: 1s
                limit_percentage: 80
                spike_limit_percentage: 25
            """);
        Redaction(text, inputs.Redaction);
        text.AppendLine("""
              # Whole-trace decisions: keep every trace with a failure code (critical codes listed on their own, so the
              # rule survives a change to the first policy), every trace whose span status is ERROR, and a sample of the rest.
              tail_sampling:
                decision_wait: 10s
                num_traces: 100000
                expected_new_traces_per_sec: 1000
                policies:
                  - name: keep-every-error-code
                    type: string_attribute
                    string_attribute:
                      key: error.code
                      values: ['.+']
                      enabled_regex_matching: true
                  - name: keep-critical-codes
                    type: string_attribute
                    string_attribute:
                      key: error.code
            """);
        text.Append("          values: [").Append(string.Join(", ", (critical.Count > 0 ? critical : ["UNCLASSIFIED"]).Select(Quote))).AppendLine("]");
        text.AppendLine("""
                  - name: keep-error-status
                    type: status_code
                    status_code:
                      status_codes: [ERROR]
                  - name: sample-the-rest
                    type: probabilistic
                    probabilistic:
            """);
        text.Append(CultureInfo.InvariantCulture, $"          sampling_percentage: {inputs.SamplingPercentage}").AppendLine();
        text.AppendLine("""

              # Batches after sampling and redaction, so exports are few and large.
              batch:
                send_batch_size: 8192
                timeout: 5s

            connectors:
              # Failures by code for every service (libraries or not), counted before sampling drops any trace; critical
              # codes of the catalog are also counted on their own.
              count:
                spans:
                  errortelemetry.collector.error_spans:
                    description: Spans that ended in error, by error code.
                    conditions:
                      - 'status.code == STATUS_CODE_ERROR'
                      - 'attributes["error.code"] != nil'
                    attributes:
                      - key: error.code
                        default_value: UNCLASSIFIED
                  errortelemetry.collector.critical_spans:
                    description: Spans carrying a critical code of the catalog, by error code.
                    conditions:
            """);
        foreach (var code in critical.Count > 0 ? critical : ["UNCLASSIFIED"])
        {
            text.Append("          - ").AppendLine(Quote($"attributes[\"error.code\"] == \"{code}\""));
        }

        text.AppendLine("""
                    attributes:
                      - key: error.code
                logs:
                  errortelemetry.collector.error_logs:
                    description: Log records at ERROR or above, or carrying an error code, by error code.
                    conditions:
                      - 'severity_number >= SEVERITY_NUMBER_ERROR'
                      - 'attributes["error.code"] != nil'
                    attributes:
                      - key: error.code
                        default_value: UNCLASSIFIED

            exporters:
              # The trace and log backend.
              otlp/backend:
            """);
        text.Append("    endpoint: ").AppendLine(inputs.BackendEndpoint);
        text.AppendLine("""
                tls:
                  insecure: true

              # The failure counts and the services' metrics, for Prometheus to scrape.
              prometheus:
                endpoint: 0.0.0.0:8889
                send_timestamps: false
                metric_expiration: 10m

            service:
              extensions: [health_check]
              pipelines:
                # Counting sees every span; only the sampled pipeline drops traces.
                traces/count:
                  receivers: [otlp]
                  processors: [memory_limiter, redaction]
                  exporters: [count]
                traces:
                  receivers: [otlp]
                  processors: [memory_limiter, redaction, tail_sampling, batch]
                  exporters: [otlp/backend]
                logs:
                  receivers: [otlp]
                  processors: [memory_limiter, redaction, batch]
                  exporters: [otlp/backend, count]
                metrics:
                  receivers: [otlp, count]
                  processors: [memory_limiter, redaction, batch]
                  exporters: [prometheus]
            """);
        return text.ToString();
    }

    /// <summary>
    /// RE2 for a key naming a secret: the built-in terms and the configured sensitive keys, separators allowed between
    /// letters (<c>X-Api-Key</c>, <c>api_key</c>). Short terms the library matches only at a word start (<c>pin</c>,
    /// <c>ssn</c>) must follow the start or a non-letter here, so <c>shipping</c> keeps its value.
    /// </summary>
    public static string BlockedKeyPattern(RedactionOptions redaction)
    {
        var terms = SensitiveKeyClassifier.BuiltInTerms
            .Select(t => (t.Term, t.WordAligned))
            .Concat(redaction.SensitiveKeys.Select(k => (Term: new string(k.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray()), WordAligned: false)))
            .Where(t => t.Term.Length > 0)
            .DistinctBy(t => t.Term, StringComparer.Ordinal)
            .OrderByDescending(t => t.Term.Length)
            .Select(t => (t.WordAligned ? "(^|[^a-z])" : string.Empty) + string.Join("[-_. ]?", t.Term.Select(c => c.ToString())));
        return "(?i)(" + string.Join("|", terms) + ")";
    }

    private static void Redaction(StringBuilder text, RedactionOptions redaction)
    {
        text.AppendLine("""

              # The library's redaction repeated for every service: whole values of keys naming a secret are masked
              # (built-in terms and ErrorTelemetry:Redaction:SensitiveKeys).
              redaction:
            """);
        if (redaction.FailClosed)
        {
            // Fail-closed: only the allowed keys leave, plus the library's own vocabulary, which carries no free text.
            text.AppendLine("    allow_all_keys: false");
            text.AppendLine("    allowed_keys:");
            foreach (var key in redaction.AllowedKeys.Concat(OwnKeys).Distinct(StringComparer.Ordinal))
            {
                text.Append("      - ").AppendLine(Quote(key));
            }
        }
        else
        {
            text.AppendLine("    allow_all_keys: true");
        }

        text.AppendLine("    blocked_key_patterns:");
        text.Append("      - ").AppendLine(Quote(BlockedKeyPattern(redaction)));
        text.AppendLine("    summary: info");
    }

    private static readonly string[] OwnKeys =
    [
        ErrorTelemetryAttributes.Code, ErrorTelemetryAttributes.Category, ErrorTelemetryAttributes.Severity,
        ErrorTelemetryAttributes.Fingerprint, ErrorTelemetryAttributes.CauseCode, ErrorTelemetryAttributes.ErrorType,
        ErrorTelemetryAttributes.CorrelationId,
    ];

    private static StringBuilder Header(string role, string why) =>
        new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"# OpenTelemetry Collector (contrib) {role}, generated from the error catalog and redaction options by").AppendLine()
            .Append(CultureInfo.InvariantCulture, $"# `errortelemetry collector --kind {role}`; edit those, not this file. {why}").AppendLine()
            .AppendLine();

    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
