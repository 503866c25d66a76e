using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ErrorTelemetry.Tests.Redaction;
using ErrorTelemetry.Tests.TestSupport;

namespace ErrorTelemetry.Tests.Compatibility;

/// <summary>
/// The observable contract every host setup must keep, asserted from what the HTTP client received, what the span
/// and log exporters received, what the failure counter exported and what a text logging provider printed.
/// </summary>
internal static class CompatibilityContract
{
    public static async Task AssertAsync(TestWebHost host, RecordingLoggerProvider console, IReadOnlyList<Probe> probes)
    {
        var http = new StringBuilder();
        foreach (var probe in probes)
        {
            http.Append(await AssertProbeAsync(host, probe));
        }

        // No planted secret anywhere a person or a backend could read it.
        var exported = string.Join('\n', host.Spans.Items.Select(s => s.Dump()).Concat(host.Logs.Items.Select(l => l.Dump())));
        foreach (var secret in HostSetup.Secrets)
        {
            Assert.DoesNotContain(secret, http.ToString(), StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret, exported, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret, console.Text, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static async Task<string> AssertProbeAsync(TestWebHost host, Probe probe)
    {
        // Our own trace id, so this request's spans and records can be told apart from every other request's.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = probe.ToRequest();
        request.Headers.Add("traceparent", $"00-{traceId}-0123456789abcdef-01");
        using var response = await host.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var what = $"{probe.Method} {probe.Path}";

        // HTTP: the catalog's status, the correlation id echoed, the code named, problem details with both.
        Assert.True(probe.Status == (int)response.StatusCode, $"{what}: status {(int)response.StatusCode}, expected {probe.Status}. Body: {body}");
        var correlationId = Assert.Single(response.Headers.GetValues("X-Correlation-ID"));
        Assert.Equal(probe.Code, Assert.Single(response.Headers.GetValues("X-Error-Code")));
        if (probe.OwnBody is null)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(body).RootElement;
            Assert.Equal(probe.Code, problem.GetProperty("code").GetString());
            Assert.Equal(traceId, problem.GetProperty("traceId").GetString());
            Assert.Equal(correlationId, problem.GetProperty("correlationId").GetString());
            Assert.Equal(probe.Status, problem.GetProperty("status").GetInt32());
        }
        else
        {
            Assert.Equal(probe.OwnBody, body);
        }

        // Spans: exactly one server span, carrying the code, an Error status only for a server fault.
        var server = await host.SpanAsync(s => s.Kind == ActivityKind.Server && s.TraceId == traceId, $"server span of {what}");
        Assert.Single(host.Spans.Items, s => s.Kind == ActivityKind.Server && s.TraceId == traceId);
        Assert.Equal(probe.Code, server.Tag("error.type"));
        Assert.Equal(probe.Code, server.Tag("error.code"));
        Assert.Equal(probe.Status, server.Tag("http.response.status_code"));
        Assert.Equal(probe.Status >= 500 ? ActivityStatusCode.Error : ActivityStatusCode.Unset, server.Status);

        foreach (var name in probe.FailedSpans)
        {
            var span = Assert.Single(host.Spans.Items, s => s.TraceId == traceId && s.Name == name);
            Assert.Equal(probe.Code, span.Tag("error.code"));
            Assert.Equal(ActivityStatusCode.Error, span.Status);
        }

        // One count per failure.
        Assert.Equal(1, host.FailureCount(probe.Code));

        // Correlation: every span and every log record of the request.
        Assert.All(host.Spans.Items.Where(s => s.TraceId == traceId), s => Assert.Equal(correlationId, s.Tag("correlation.id")));
        var records = host.Logs.Items.Where(l => l.TraceId == traceId).ToList();
        Assert.NotEmpty(records);
        Assert.All(records, l => Assert.True(Equals(correlationId, l.Attribute("correlation.id")), $"{what}: no correlation.id on \"{l.Body}\" ({l.Category})"));

        return string.Join('\n', [body, .. response.Headers.Concat(response.Content.Headers).Select(h => $"{h.Key}: {string.Join(',', h.Value)}")]);
    }
}
