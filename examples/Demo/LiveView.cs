using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ErrorTelemetry.Examples;

namespace Demo;

/// <summary>
/// The demo's console view: failures by code for each service, read from the services' own triage endpoints
/// (the on-call engineer's view), with the last trace id to look up and where to look next.
/// </summary>
internal sealed class LiveView
{
    private readonly (string Name, HttpClient Client)[] _services;
    private readonly Func<long> _sent;
    private readonly string _exporting;
    private readonly Uri? _viewer;
    private readonly bool _interactive;
    private readonly Dictionary<string, List<Row>> _lastGood = new(StringComparer.Ordinal);

    public LiveView(IReadOnlyList<(string Name, Uri BaseAddress)> services, Func<long> sent, string exporting, Uri? viewer)
    {
        _services = new (string, HttpClient)[services.Count];
        for (var i = 0; i < services.Count; i++)
        {
            var client = new HttpClient { BaseAddress = services[i].BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
            client.DefaultRequestHeaders.Add(ExampleTriageAccess.HeaderName, ExampleTriageAccess.DefaultKey);
            client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            _services[i] = (services[i].Name, client);
        }

        _sent = sent;
        _exporting = exporting;
        _viewer = viewer;
        _interactive = !Console.IsOutputRedirected;
    }

    public async Task RunAsync(TimeSpan refresh, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(refresh);
        try
        {
            do
            {
                await RenderAsync(CancellationToken.None).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public async Task RenderAsync(CancellationToken cancellationToken)
    {
        var rows = new List<Row>();
        var problems = new List<string>();
        foreach (var (name, client) in _services)
        {
            try
            {
                using var response = await client.GetAsync(new Uri("/_errortelemetry/failures", UriKind.Relative), cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    problems.Add($"{name}: triage endpoint answered {(int)response.StatusCode}");
                    continue;
                }

                using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
                var serviceRows = new List<Row>();
                foreach (var code in document.RootElement.GetProperty("codes").EnumerateArray())
                {
                    serviceRows.Add(Row.From(name, code));
                }

                _lastGood[name] = serviceRows;
                rows.AddRange(serviceRows);
            }
            catch (HttpRequestException ex)
            {
                // A service that is stopping keeps its last rows on screen rather than vanishing from the table.
                problems.Add($"{name}: {ex.Message}{(_lastGood.ContainsKey(name) ? " (showing its last rows)" : string.Empty)}");
                if (_lastGood.TryGetValue(name, out var last))
                {
                    rows.AddRange(last);
                }
            }
        }

        Console.Write(Format(rows, problems));
    }

    private string Format(List<Row> rows, List<string> problems)
    {
        rows.Sort(static (a, b) => b.Total.CompareTo(a.Total));
        var text = new StringBuilder();
        if (_interactive)
        {
            text.Append("\u001b[H\u001b[2J");
        }

        var c = CultureInfo.InvariantCulture;
        text.Append(c, $"ErrorTelemetry demo · {DateTime.Now:HH:mm:ss} · {_sent()} requests sent · export: {_exporting}").AppendLine();
        if (_viewer is not null)
        {
            text.Append(c, $"Traces and logs: {_viewer} (Aspire dashboard)").AppendLine();
        }

        text.AppendLine("Failures by code (from each service's triage endpoint; counts are per service, once per failure)").AppendLine();
        text.Append(c, $"{"SERVICE",-11}{"CODE",-29}{"SEVERITY",-10}{"15 MIN",7}{"TOTAL",7}  {"LAST TRACE ID",-33}{"OWNER",-16}WHERE TO LOOK NEXT").AppendLine();
        foreach (var row in rows)
        {
            text.Append(c, $"{row.Service,-11}{row.Code,-29}{row.Severity,-10}{row.InWindow,7}{row.Total,7}  {row.LastTraceId,-33}{row.Owner,-16}{row.Next}").AppendLine();
        }

        if (rows.Count == 0)
        {
            text.AppendLine("(no failures yet)");
        }

        var linked = rows.FindAll(static r => r.LastTraceLink is not null);
        if (linked.Count > 0)
        {
            text.AppendLine().AppendLine("Last trace of each row in the dashboard:");
            foreach (var row in linked)
            {
                text.Append(c, $"  {row.Service,-11}{row.Code,-29}{row.LastTraceLink}").AppendLine();
            }
        }

        foreach (var problem in problems)
        {
            text.Append("! ").AppendLine(problem);
        }

        text.AppendLine().AppendLine(_interactive ? "Ctrl+C stops the demo." : "---");
        return text.ToString();
    }

    internal sealed record Row(string Service, string Code, string Severity, long InWindow, long Total, string LastTraceId, string? LastTraceLink, string Owner, string Next)
    {
        public static Row From(string service, JsonElement code)
        {
            // The triage endpoint lists samples newest first.
            var traces = code.GetProperty("sampleTraceIds");
            var lastTrace = traces.GetArrayLength() > 0 ? traces[0].GetString() ?? "-" : "-";
            var lastLink = code.TryGetProperty("sampleTraceLinks", out var links) && links.GetArrayLength() > 0 ? links[0].GetString() : null;
            var next = Text(code, "runbook") ?? Text(code, "remediation") ?? "add a runbook to the catalog";
            var causes = new List<string>();
            if (code.TryGetProperty("causeCodes", out var causeCodes) && causeCodes.ValueKind == JsonValueKind.Object)
            {
                foreach (var cause in causeCodes.EnumerateObject())
                {
                    causes.Add(cause.Name);
                }
            }

            if (causes.Count > 0)
            {
                next = $"caused by {string.Join(", ", causes)} · {next}";
            }

            return new(
                service,
                code.GetProperty("code").GetString() ?? "?",
                Text(code, "severity") ?? "?",
                code.GetProperty("countInWindow").GetInt64(),
                code.GetProperty("totalCount").GetInt64(),
                lastTrace,
                lastLink,
                Text(code, "owner") ?? "-",
                next);
        }

        private static string? Text(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
