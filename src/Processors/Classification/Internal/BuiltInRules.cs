using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Classification.Internal;

/// <summary>The built-in mapping rules for platform exceptions.</summary>
internal static class BuiltInRules
{
    /// <summary>The most exception types whose Polly rejection is remembered.</summary>
    internal const int MaxCachedTypes = 1024;

    // A pure function of the type (its name and its base types' names), decided once per type: reading the namespaces
    // up the hierarchy cost more than the rest of the match. Past the bound, decided each time.
    private static readonly TypeAnswers<ErrorDefinition?> ResilienceByType = new(MaxCachedTypes, Resilience);

    /// <summary>Gets the number of exception types whose Polly rejection is remembered.</summary>
    internal static int CachedTypes => ResilienceByType.Count;

    /// <summary>Forgets every remembered type (for tests that fill the bound).</summary>
    internal static void ForgetCachedTypes() => ResilienceByType.Forget();

    /// <summary>
    /// Returns the built-in definition for one exception (not its causes), or <see langword="null"/>.
    /// </summary>
    /// <param name="exception">The exception.</param>
    /// <param name="weak">
    /// Whether the match is only a fallback: an <see cref="IOException"/>, or an <see cref="HttpRequestException"/> that
    /// says no more than "the call failed", usually wraps the real cause (a <see cref="SocketException"/>, say), so any
    /// other built-in match further down the chain takes precedence.
    /// </param>
    public static ErrorDefinition? Match(Exception exception, out bool weak)
    {
        weak = false;
        if (Resilience(exception) is { } rejected)
        {
            return rejected;
        }

        switch (exception)
        {
            // HttpClient reports its own Timeout as a TaskCanceledException around a TimeoutException.
            case OperationCanceledException { InnerException: TimeoutException }:
                return BuiltInErrors.DependencyTimeout;

            // Reached only when the client did not abort (the classifier checks that first): the work was cancelled
            // by a timeout token or the host stopping, which is a timeout from the caller's point of view.
            case OperationCanceledException:
            case TimeoutException:
                return BuiltInErrors.OperationTimeout;

            case HttpRequestException http:
                return Http(http, out weak);

            case SocketException socket:
                return socket.SocketErrorCode is SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData
                    ? BuiltInErrors.ConnectivityDns
                    : BuiltInErrors.ConnectivitySocket;

            case JsonException:
                return BuiltInErrors.ValidationMalformedJson;

            case FormatException:
                return BuiltInErrors.ValidationFormat;

            case ValidationException:
                return BuiltInErrors.ValidationFailed;

            case ArgumentException:
                return BuiltInErrors.InvalidArgument;

            case DbException db:
                return db.IsTransient ? BuiltInErrors.StorageDatabaseTransient : BuiltInErrors.StorageDatabase;

            case IOException:
                weak = true;
                return BuiltInErrors.StorageIo;

            case UnauthorizedAccessException:
                return BuiltInErrors.AccessDenied;

            case OptionsValidationException:
                return BuiltInErrors.ConfigurationInvalid;

            case NotImplementedException:
                return BuiltInErrors.NotImplemented;

            default:
                return null;
        }
    }

    /// <summary>
    /// Whether <see cref="Match"/> reads more of an exception of <paramref name="type"/> without an inner exception than
    /// its type: an HTTP status or request error, a socket error, a database's transient flag. Keep in step with
    /// <see cref="Match"/>: a failure run answers from the last definition only for types where this is false.
    /// </summary>
    public static bool ReadsInstance(Type type) =>
        typeof(HttpRequestException).IsAssignableFrom(type)
        || typeof(SocketException).IsAssignableFrom(type)
        || typeof(DbException).IsAssignableFrom(type);

    /// <summary>
    /// Polly's rejections (what <c>AddStandardResilienceHandler()</c> throws): matched by type name, so the core does
    /// not depend on Polly. Ahead of the other rules: a timeout rejection wraps the cancellation it caused, and the
    /// rejection, not the cancellation, says what happened.
    /// </summary>
    private static ErrorDefinition? Resilience(Exception exception)
    {
        var type = exception.GetType();
        return ResilienceByType.TryGet(type, out var definition) ? definition : Resilience(type);
    }

    private static ErrorDefinition? Resilience(Type exceptionType)
    {
        for (var type = exceptionType; type is not null && type != typeof(Exception); type = type.BaseType)
        {
            if (type.Namespace?.StartsWith("Polly", StringComparison.Ordinal) != true)
            {
                continue;
            }

            switch (type.FullName)
            {
                case "Polly.Timeout.TimeoutRejectedException":
                    return BuiltInErrors.DependencyResilienceTimeout;
                case "Polly.CircuitBreaker.BrokenCircuitException":
                    return BuiltInErrors.DependencyCircuitOpen;
                case "Polly.RateLimiting.RateLimiterRejectedException":
                    return BuiltInErrors.DependencyRateLimited;
            }
        }

        return null;
    }

    private static ErrorDefinition Http(HttpRequestException http, out bool weak)
    {
        weak = false;
        if (http.StatusCode is { } status)
        {
            return (int)status switch
            {
                >= 400 and < 500 => BuiltInErrors.DependencyHttpClientError,
                >= 500 and < 600 => BuiltInErrors.DependencyHttpServerError,
                _ => BuiltInErrors.DependencyHttpFailure,
            };
        }

        switch (http.HttpRequestError)
        {
            case HttpRequestError.NameResolutionError:
                return BuiltInErrors.ConnectivityDns;
            case HttpRequestError.ConnectionError:
                return BuiltInErrors.ConnectivitySocket;
            default:
                weak = true;
                return BuiltInErrors.DependencyHttpFailure;
        }
    }
}
