using System.IO.Compression;
using System.Net;
using System.Text;
using ErrorTelemetry.Tests.TestSupport.Otlp.Proto.Collector;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ErrorTelemetry.Tests.TestSupport.Otlp;

/// <summary>
/// A test-only OTLP/HTTP (protobuf) backend on 127.0.0.1 and a free port. It answers POST /v1/traces, /v1/logs
/// and /v1/metrics (plain or gzip bodies) with the empty Export*ServiceResponse and keeps what arrived, decoded
/// and flattened, so a test asserts what a real backend would have received from the real OTLP exporter.
/// </summary>
/// <remarks>
/// Thread-safe: requests are recorded under a lock and every view returns a snapshot. Every request is recorded
/// in <see cref="Requests"/> (also 404/415/400 ones, so a wrong exporter path is visible); only accepted requests
/// (answered 200) feed <see cref="Spans"/>, <see cref="LogRecords"/> and <see cref="MetricPoints"/>. Data is recorded
/// before the response is written. A tracer or logger provider's ForceFlush does not mean it arrived: the SDK's batch
/// processor reports the flush done once the exporter has taken the batch out of its queue, and after waiting a
/// second it no longer waits for the HTTP request (a first request on a loaded machine takes longer). Wait for what
/// the test needs (<see cref="WaitForRequestsAsync"/>, <see cref="WaitForSpansAsync"/>, …), or dispose the provider,
/// which waits for its export thread. A meter provider's ForceFlush exports on the calling thread.
/// </remarks>
internal sealed class OtlpTestReceiver : IAsyncDisposable
{
    /// <summary>The default bound for the Wait* helpers: generous, since they return as soon as the data is here.</summary>
    public static readonly TimeSpan DefaultWaitTimeout = TimeSpan.FromSeconds(30);

    private const string ProtobufContentType = "application/x-protobuf";

    private readonly Lock _gate = new();
    private readonly List<OtlpRequest> _requests = [];
    private readonly List<ReceivedSpan> _spans = [];
    private readonly List<ReceivedLogRecord> _logRecords = [];
    private readonly List<ReceivedMetricPoint> _metricPoints = [];
    private TaskCompletionSource _changed = NewSignal();
    private WebApplication? _app;
    private int _responseStatusCode = StatusCodes.Status200OK;
    private int _wellFormedRequests;
    private bool _failEveryOtherRequest;

    private OtlpTestReceiver()
    {
    }

    /// <summary>Gets the base address, e.g. http://127.0.0.1:41234/ (what OTEL_EXPORTER_OTLP_ENDPOINT would hold).</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Gets the full traces URL (what <c>OtlpExporterOptions.Endpoint</c> must be when set in code).</summary>
    public Uri TracesEndpoint => new(Endpoint, "v1/traces");

    /// <summary>Gets the full logs URL.</summary>
    public Uri LogsEndpoint => new(Endpoint, "v1/logs");

    /// <summary>Gets the full metrics URL.</summary>
    public Uri MetricsEndpoint => new(Endpoint, "v1/metrics");

    /// <summary>
    /// Gets or sets the status code answered to well-formed export requests (default 200). Anything else
    /// simulates a failing backend: the request is recorded in <see cref="Requests"/> but its data is not
    /// accepted. Note the 1.20.1 exporter retries 429/502/503/504, which slows a test down.
    /// </summary>
    public int ResponseStatusCode
    {
        get => Volatile.Read(ref _responseStatusCode);
        set => Volatile.Write(ref _responseStatusCode, value);
    }

    /// <summary>
    /// Gets or sets a value indicating whether the receiver flaps: every other well-formed export request (the
    /// first, third, …) is refused, alternately with 503 and 429, as an overloaded backend does.
    /// </summary>
    public bool FailEveryOtherRequest
    {
        get => Volatile.Read(ref _failEveryOtherRequest);
        set => Volatile.Write(ref _failEveryOtherRequest, value);
    }

    /// <summary>Gets a snapshot of every request received, in arrival order.</summary>
    public IReadOnlyList<OtlpRequest> Requests => Snapshot(_requests);

    /// <summary>Gets a snapshot of all accepted spans, in arrival order.</summary>
    public IReadOnlyList<ReceivedSpan> Spans => Snapshot(_spans);

    /// <summary>Gets a snapshot of all accepted log records, in arrival order.</summary>
    public IReadOnlyList<ReceivedLogRecord> LogRecords => Snapshot(_logRecords);

    /// <summary>Gets a snapshot of all accepted metric data points, in arrival order (cumulative metrics repeat per export).</summary>
    public IReadOnlyList<ReceivedMetricPoint> MetricPoints => Snapshot(_metricPoints);

    /// <summary>Starts a receiver bound to 127.0.0.1 on a port the OS picks.</summary>
    public static async Task<OtlpTestReceiver> StartAsync(CancellationToken cancellationToken = default)
    {
        var receiver = new OtlpTestReceiver();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(receiver.HandleAsync);
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        receiver._app = app;
        receiver.Endpoint = new Uri(address.EndsWith('/') ? address : address + "/");
        return receiver;
    }

    /// <summary>Forgets everything received so far.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _requests.Clear();
            _spans.Clear();
            _logRecords.Clear();
            _metricPoints.Clear();
        }
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds over the received data, re-checking whenever a request
    /// arrives (no polling delay). Throws <see cref="TimeoutException"/> describing what did arrive otherwise.
    /// </summary>
    public async Task WaitUntilAsync(Func<OtlpTestReceiver, bool> condition, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout ?? DefaultWaitTimeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            // The signal is taken before the check so a request landing in between still wakes us.
            if (condition(this))
            {
                return;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                if (condition(this))
                {
                    return;
                }

                throw new TimeoutException($"OTLP receiver condition not met within {timeout ?? DefaultWaitTimeout}. {Describe()}");
            }
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> requests arrived and returns every request so far.</summary>
    public async Task<IReadOnlyList<OtlpRequest>> WaitForRequestsAsync(int count, TimeSpan? timeout = null)
    {
        IReadOnlyList<OtlpRequest> result = [];
        await WaitUntilAsync(r => (result = r.Requests).Count >= count, timeout);
        return result;
    }

    /// <summary>Waits until the accepted spans satisfy <paramref name="condition"/> and returns them.</summary>
    public async Task<IReadOnlyList<ReceivedSpan>> WaitForSpansAsync(Func<IReadOnlyList<ReceivedSpan>, bool> condition, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        IReadOnlyList<ReceivedSpan> result = [];
        await WaitUntilAsync(r => condition(result = r.Spans), timeout);
        return result;
    }

    /// <summary>Waits until the accepted log records satisfy <paramref name="condition"/> and returns them.</summary>
    public async Task<IReadOnlyList<ReceivedLogRecord>> WaitForLogRecordsAsync(Func<IReadOnlyList<ReceivedLogRecord>, bool> condition, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        IReadOnlyList<ReceivedLogRecord> result = [];
        await WaitUntilAsync(r => condition(result = r.LogRecords), timeout);
        return result;
    }

    /// <summary>Waits until the accepted metric points satisfy <paramref name="condition"/> and returns them.</summary>
    public async Task<IReadOnlyList<ReceivedMetricPoint>> WaitForMetricPointsAsync(Func<IReadOnlyList<ReceivedMetricPoint>, bool> condition, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        IReadOnlyList<ReceivedMetricPoint> result = [];
        await WaitUntilAsync(r => condition(result = r.MetricPoints), timeout);
        return result;
    }

    /// <summary>A one-paragraph summary of what arrived, for assertion messages.</summary>
    public string Describe()
    {
        lock (_gate)
        {
            var text = new StringBuilder();
            text.Append("Received ").Append(_requests.Count).Append(" request(s)");
            foreach (var request in _requests)
            {
                text.Append("; ").Append(request.Method).Append(' ').Append(request.Path).Append(" -> ").Append(request.StatusCode);
                if (request.Error is not null)
                {
                    text.Append(" (").Append(request.Error).Append(')');
                }
            }

            text.Append(". Spans: [").AppendJoin(", ", _spans.Select(s => s.Name)).Append(']');
            text.Append(". Logs: [").AppendJoin(", ", _logRecords.Select(l => l.Body)).Append(']');
            text.Append(". Metrics: [").AppendJoin(", ", _metricPoints.Select(m => m.MetricName).Distinct()).Append("].");
            return text.ToString();
        }
    }

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static OtlpSignal SignalOf(PathString path) => path.Value switch
    {
        "/v1/traces" => OtlpSignal.Traces,
        "/v1/logs" => OtlpSignal.Logs,
        "/v1/metrics" => OtlpSignal.Metrics,
        _ => OtlpSignal.Unknown,
    };

    private IReadOnlyList<T> Snapshot<T>(List<T> items)
    {
        lock (_gate)
        {
            return [.. items];
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var signal = SignalOf(request.Path);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in request.Headers)
        {
            headers[header.Key] = header.Value.ToString();
        }

        using var wire = new MemoryStream();
        await request.Body.CopyToAsync(wire, context.RequestAborted);
        var wireBody = wire.ToArray();

        var body = wireBody;
        IMessage? message = null;
        string? error = null;
        int status;
        if (!HttpMethods.IsPost(request.Method))
        {
            status = StatusCodes.Status405MethodNotAllowed;
        }
        else if (signal == OtlpSignal.Unknown)
        {
            status = StatusCodes.Status404NotFound;
        }
        else if (request.ContentType is null || !request.ContentType.StartsWith(ProtobufContentType, StringComparison.OrdinalIgnoreCase))
        {
            status = StatusCodes.Status415UnsupportedMediaType;
            error = $"Content-Type '{request.ContentType}' is not {ProtobufContentType}";
        }
        else
        {
            try
            {
                body = Decompress(headers.GetValueOrDefault("Content-Encoding"), wireBody);
                message = OtlpDecoder.Parse(signal, body);
                status = FlappingStatus(Interlocked.Increment(ref _wellFormedRequests)) ?? ResponseStatusCode;
            }
            catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidDataException or NotSupportedException)
            {
                status = StatusCodes.Status400BadRequest;
                error = ex.GetType().Name + ": " + ex.Message;
            }
        }

        var unknown = message is null ? [] : OtlpDecoder.MessagesWithUnknownFields(message);
        Record(new OtlpRequest(request.Method, request.Path.Value ?? string.Empty, signal, headers, wireBody, body, status, message, error, unknown));

        context.Response.StatusCode = status;
        if (status == StatusCodes.Status200OK)
        {
            var response = OtlpDecoder.EmptyResponse(signal);
            context.Response.ContentType = ProtobufContentType;
            context.Response.ContentLength = response.Length;
            await context.Response.Body.WriteAsync(response, context.RequestAborted);
        }
    }

    private int? FlappingStatus(int request) => !FailEveryOtherRequest ? null : (request % 4) switch
    {
        1 => StatusCodes.Status503ServiceUnavailable,
        3 => StatusCodes.Status429TooManyRequests,
        _ => null,
    };

    private static byte[] Decompress(string? contentEncoding, byte[] wireBody)
    {
        if (string.IsNullOrEmpty(contentEncoding) || contentEncoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return wireBody;
        }

        if (!contentEncoding.Equals("gzip", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException($"Content-Encoding '{contentEncoding}' is not supported by the OTLP test receiver.");
        }

        using var input = new GZipStream(new MemoryStream(wireBody), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private void Record(OtlpRequest request)
    {
        // Flattening happens outside the lock; only the list appends and the wake-up are serialized.
        List<ReceivedSpan>? spans = null;
        List<ReceivedLogRecord>? logs = null;
        List<ReceivedMetricPoint>? points = null;
        if (request.StatusCode == StatusCodes.Status200OK)
        {
            switch (request.Message)
            {
                case ExportTraceServiceRequest traces:
                    spans = OtlpDecoder.Spans(traces);
                    break;
                case ExportLogsServiceRequest logRequest:
                    logs = OtlpDecoder.LogRecords(logRequest);
                    break;
                case ExportMetricsServiceRequest metrics:
                    points = OtlpDecoder.MetricPoints(metrics);
                    break;
                default:
                    break;
            }
        }

        TaskCompletionSource changed;
        lock (_gate)
        {
            _requests.Add(request);
            if (spans is not null)
            {
                _spans.AddRange(spans);
            }

            if (logs is not null)
            {
                _logRecords.AddRange(logs);
            }

            if (points is not null)
            {
                _metricPoints.AddRange(points);
            }

            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }
}
