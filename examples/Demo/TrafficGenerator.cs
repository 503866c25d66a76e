
namespace Demo;

/// <summary>
/// Sends a realistic mix of storefront requests: mostly good ones, and each of the failure paths the examples
/// catalogue, so the live view fills with codes within seconds.
/// </summary>
internal sealed class TrafficGenerator
{
    private static readonly (int Weight, Func<HttpClient, CancellationToken, Task<HttpResponseMessage>> Send)[] Mix =
    [
        (40, static (c, t) => c.PostAsJsonAsync("/checkout", new { sku = "SKU-1", quantity = 1, email = "ada@example.com" }, t)),
        (20, static (c, t) => c.GetAsync(new Uri($"/orders/{Random.Shared.Next(1, 100)}", UriKind.Relative), t)),
        (10, static (c, t) => c.PostAsJsonAsync("/checkout", new { sku = "SKU-1", quantity = 0, email = "not-an-email" }, t)),
        (8, static (c, t) => c.PostAsJsonAsync("/checkout", new { sku = "SKU-2", quantity = 1, email = "grace@example.com" }, t)),
        (4, static (c, t) => c.PostAsJsonAsync("/checkout", new { sku = "SKU-SLOW", quantity = 1, email = "linus@example.com" }, t)),
        (6, static (c, t) => c.GetAsync(new Uri("/orders/5000", UriKind.Relative), t)),
        (4, static (c, t) => c.GetAsync(new Uri("/recommendations?email=margaret%40example.com", UriKind.Relative), t)),
    ];

    private readonly HttpClient _client;
    private readonly int _requestsPerSecond;

    public TrafficGenerator(Uri storefront, int requestsPerSecond)
    {
        _client = new HttpClient { BaseAddress = storefront, Timeout = TimeSpan.FromSeconds(10) };
        _requestsPerSecond = requestsPerSecond;
    }

    public long Sent => Interlocked.Read(ref _sent);

    private long _sent;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        foreach (var (weight, _) in Mix)
        {
            total += weight;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / _requestsPerSecond));
        var inFlight = new List<Task>();
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var pick = Random.Shared.Next(total);
                foreach (var (weight, send) in Mix)
                {
                    if (pick < weight)
                    {
                        inFlight.Add(SendAsync(send, cancellationToken));
                        break;
                    }

                    pick -= weight;
                }

                inFlight.RemoveAll(static t => t.IsCompleted);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        await Task.WhenAll(inFlight).ConfigureAwait(false);
        _client.Dispose();
    }

    private async Task SendAsync(Func<HttpClient, CancellationToken, Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await send(_client, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _sent);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (HttpRequestException)
        {
            // A service that is restarting; the next request will tell.
        }
    }
}
