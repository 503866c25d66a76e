using Microsoft.AspNetCore.Mvc;

namespace ErrorTelemetry.AspNetCore.Internal;

/// <summary>
/// Keeps submitted values out of validation errors: field names and rules are useful to a client, the value it sent
/// is not, and it may be a password or a card number typed into the wrong field.
/// </summary>
internal static class ValidationMessages
{
    public const string InvalidValue = "The value is not valid.";
    public const string Required = "A value is required.";
    public const string BodyRequired = "A request body is required.";

    /// <summary>MVC's model-binding messages quote the attempted value; these name the rule only.</summary>
    public static void Configure(MvcOptions options)
    {
        var messages = options.ModelBindingMessageProvider;
        messages.SetAttemptedValueIsInvalidAccessor(static (_, field) => $"The value is not valid for {field}.");
        messages.SetNonPropertyAttemptedValueIsInvalidAccessor(static _ => InvalidValue);
        messages.SetValueIsInvalidAccessor(static _ => InvalidValue);
        messages.SetValueMustNotBeNullAccessor(static _ => Required);
    }

    /// <summary>Replaces messages that quote input (MVC's defaults, System.Text.Json's) in errors someone else collected.</summary>
    public static void Sanitize(IDictionary<string, string[]> errors)
    {
        foreach (var entry in errors)
        {
            var messages = entry.Value;
            for (var i = 0; i < messages.Length; i++)
            {
                if (QuotesInput(messages[i]))
                {
                    messages[i] = InvalidValue;
                }
            }
        }
    }

    private static bool QuotesInput(string? message) =>
        message is not null
        && (message.StartsWith("The value '", StringComparison.Ordinal)
            || message.Contains("Path: $", StringComparison.Ordinal)
            || message.Contains("LineNumber:", StringComparison.Ordinal)
            || message.Contains("BytePositionInLine", StringComparison.Ordinal));
}
