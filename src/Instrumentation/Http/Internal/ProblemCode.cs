using System.Buffers;
using System.Text.Json;
using ErrorTelemetry.Catalog.Internal;
using ErrorTelemetry.Correlation.Internal;

namespace ErrorTelemetry.Http.Internal;

/// <summary>
/// Finds the error code a downstream answered with: its <c>X-Error-Code</c> header, or the <c>code</c> member of
/// an RFC 9457 <c>application/problem+json</c> body. The body is read at most <see cref="MaxBodyBytes"/> deep and
/// put back, so the application reads the same content it would have read without us.
/// </summary>
internal static class ProblemCode
{
    public const int MaxBodyBytes = 16 * 1024;

    private const string ProblemJson = "application/problem+json";

    public static string? FromHeader(HttpResponseMessage response) =>
        response.Headers.TryGetValues(CorrelationKeys.ErrorCodeHeader, out var values)
        && values.FirstOrDefault() is { } code
        && ErrorCodeRule.Check(code) is null
            ? code
            : null;

    public static bool IsProblem(HttpResponseMessage response) =>
        string.Equals(response.Content.Headers.ContentType?.MediaType, ProblemJson, StringComparison.OrdinalIgnoreCase)
        && response.Content.Headers.ContentLength is null or (> 0 and <= MaxBodyBytes);

    /// <summary>Reads the problem body's <c>code</c>; replaces the response content with an equivalent one.</summary>
    public static async Task<string?> FromBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var original = response.Content;
        var stream = await original.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);

        // One byte more than the limit tells a body that fits from one that does not.
        var buffer = ArrayPool<byte>.Shared.Rent(MaxBodyBytes + 1);
        var read = 0;
        var complete = false;
        try
        {
            while (read <= MaxBodyBytes)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read, MaxBodyBytes + 1 - read), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    complete = true;
                    break;
                }

                read += n;
            }
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The application meets the same broken stream when it reads the rest, where it would have met it anyway.
            response.Content = Replace(original, new StreamContent(new PrefixedStream(buffer.AsSpan(0, read).ToArray(), stream)));
            ArrayPool<byte>.Shared.Return(buffer);
            return null;
        }

        var body = buffer.AsSpan(0, read).ToArray();
        ArrayPool<byte>.Shared.Return(buffer);
        if (!complete)
        {
            response.Content = Replace(original, new StreamContent(new PrefixedStream(body, stream)));
            return null;
        }

        response.Content = Replace(original, new ByteArrayContent(body));
        original.Dispose();
        return Parse(body);
    }

    internal static string? Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isCode = reader.ValueTextEquals("code"u8);
                if (!reader.Read())
                {
                    return null;
                }

                if (isCode && reader.TokenType == JsonTokenType.String)
                {
                    // A downstream's code is untrusted input: only a well-formed code becomes an attribute.
                    var code = reader.GetString();
                    return ErrorCodeRule.Check(code) is null ? code : null;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    private static HttpContent Replace(HttpContent original, HttpContent replacement)
    {
        foreach (var header in original.Headers)
        {
            if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                replacement.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        if (original.Headers.ContentLength is { } length && replacement is not ByteArrayContent)
        {
            replacement.Headers.ContentLength = length;
        }

        return replacement;
    }
}
