using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ErrorTelemetry.AspNetCore.Internal;

/// <summary>
/// Turns the framework's <see cref="BadHttpRequestException"/> (parameter binding and JSON body failures of minimal
/// APIs) into a validation code with per-field errors. The exception's message quotes the submitted value, so only
/// the parameter's name and the broken rule are kept.
/// </summary>
internal static class BadRequests
{
    public static ErrorDefinition Classify(ErrorCatalog catalog, BadHttpRequestException exception, out int status, out Dictionary<string, string[]>? errors)
    {
        status = exception.StatusCode;
        errors = null;
        if (FindJsonException(exception) is { } json)
        {
            status = StatusCodes.Status400BadRequest;
            var field = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? ParameterName(exception.Message) : json.Path;
            if (field is not null)
            {
                errors = new(StringComparer.Ordinal) { [field] = [ValidationMessages.InvalidValue] };
            }

            return IsSyntaxError(json) ? HttpErrorCodes.MalformedJson(catalog) : HttpErrorCodes.ValidationFailed(catalog);
        }

        if (status != StatusCodes.Status400BadRequest)
        {
            return HttpErrorCodes.ForStatus(catalog, status);
        }

        var parameter = ParameterName(exception.Message);
        if (parameter is not null)
        {
            var message = exception.Message;
            var rule = message.StartsWith("Required parameter", StringComparison.Ordinal) ? ValidationMessages.Required
                : message.Contains("no body was provided", StringComparison.Ordinal) ? ValidationMessages.BodyRequired
                : ValidationMessages.InvalidValue;
            errors = new(StringComparer.Ordinal) { [parameter] = [rule] };
        }

        return HttpErrorCodes.ValidationFailed(catalog);
    }

    private static JsonException? FindJsonException(Exception exception)
    {
        for (var current = exception.InnerException; current is not null; current = current.InnerException)
        {
            if (current is JsonException json)
            {
                return json;
            }
        }

        return null;
    }

    /// <summary>
    /// The reader reports text that is not JSON at all with a subclass of <see cref="JsonException"/> (wrapped in a
    /// plain one that adds the path); a plain one alone is well-formed JSON with a value of the wrong type.
    /// </summary>
    private static bool IsSyntaxError(JsonException json)
    {
        for (Exception? current = json; current is not null; current = current.InnerException)
        {
            if (current is JsonException && current.GetType() != typeof(JsonException))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The framework names the parameter as <c>parameter "Type name"</c>; the name is the last word. Anything that
    /// does not look like an identifier is dropped rather than risk echoing input.
    /// </summary>
    private static string? ParameterName(string message)
    {
        const string marker = "parameter \"";
        var start = message.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += marker.Length;
        var end = message.IndexOf('"', start);
        if (end <= start)
        {
            return null;
        }

        var quoted = message.AsSpan(start, end - start);
        var name = quoted[(quoted.LastIndexOf(' ') + 1)..];
        if (name.IsEmpty || name.Length > 128)
        {
            return null;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return null;
            }
        }

        return name.ToString();
    }
}
