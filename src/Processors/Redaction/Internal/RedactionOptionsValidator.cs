using System.Text;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Reports invalid <see cref="RedactionOptions"/> at start-up, naming the configuration key and the fix.
/// </summary>
internal sealed class RedactionOptionsValidator : IValidateOptions<RedactionOptions>
{
    private const string Section = RedactionOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, RedactionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = GetFailures(options);
        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Returns a message per invalid setting, or <see langword="null"/> when the options are valid.</summary>
    internal static List<string>? GetFailures(RedactionOptions options)
    {
        List<string>? failures = null;
        void Fail(string message) => (failures ??= []).Add(message);

        CheckEntries(options.SensitiveKeys, nameof(options.SensitiveKeys), Fail);
        CheckEntries(options.PreservedKeys, nameof(options.PreservedKeys), Fail);
        CheckEntries(options.PseudonymizedKeys, nameof(options.PseudonymizedKeys), Fail);
        CheckEntries(options.SensitiveQueryParameters, nameof(options.SensitiveQueryParameters), Fail);
        CheckEntries(options.AllowedKeys, nameof(options.AllowedKeys), Fail);
        CheckEntries(options.DisabledDetectors, nameof(options.DisabledDetectors), Fail);
        CheckEntries(options.ClientAddressKeys, nameof(options.ClientAddressKeys), Fail);

        if (!Enum.IsDefined(options.ClientAddressHandling))
        {
            Fail($"{Section}:{nameof(options.ClientAddressHandling)} is '{options.ClientAddressHandling}'. Use "
                + $"{ClientAddressHandling.Truncate} (the default), {ClientAddressHandling.Pseudonymize} or {ClientAddressHandling.Keep}.");
        }
        else if (options.ClientAddressHandling == ClientAddressHandling.Pseudonymize && string.IsNullOrWhiteSpace(options.PseudonymizationKey))
        {
            Fail($"{Section}:{nameof(options.ClientAddressHandling)} is {ClientAddressHandling.Pseudonymize}, but "
                + $"{Section}:{nameof(options.PseudonymizationKey)} is not set. Set a secret key of at least "
                + $"{RedactionConstants.MinimumPseudonymizationKeyBytes} random bytes, or use {ClientAddressHandling.Truncate}.");
        }

        if (options.PreservedKeys is not null)
        {
            for (var i = 0; i < options.PreservedKeys.Count; i++)
            {
                if (options.PreservedKeys[i]?.Trim() == "*")
                {
                    Fail($"{Section}:{nameof(options.PreservedKeys)}:{i} is '*', which would turn redaction off for "
                        + "every attribute. List keys, or prefixes such as 'error.*'.");
                }
            }
        }

        if (options.DisabledDetectors is not null)
        {
            for (var i = 0; i < options.DisabledDetectors.Count; i++)
            {
                var detector = options.DisabledDetectors[i];
                if (!string.IsNullOrWhiteSpace(detector) && !Contains(Redactor.DetectorNames, detector.Trim()))
                {
                    Fail($"{Section}:{nameof(options.DisabledDetectors)}:{i} is '{detector}', which is not a built-in "
                        + $"detector. Use one of: {string.Join(", ", Redactor.DetectorNames)}.");
                }
            }
        }

        if (options.MaxValueLength is < RedactionConstants.MinimumMaxValueLength or > RedactionConstants.MaximumMaxValueLength)
        {
            Fail($"{Section}:{nameof(options.MaxValueLength)} is {options.MaxValueLength}. Use a length from "
                + $"{RedactionConstants.MinimumMaxValueLength} to {RedactionConstants.MaximumMaxValueLength} characters "
                + $"(the default is {RedactionConstants.DefaultMaxValueLength}).");
        }

        if (options.PseudonymizationKey is { } key && Encoding.UTF8.GetByteCount(key.Trim()) < RedactionConstants.MinimumPseudonymizationKeyBytes)
        {
            Fail($"{Section}:{nameof(options.PseudonymizationKey)} is too short ({Encoding.UTF8.GetByteCount(key.Trim())} bytes). Use "
                + $"at least {RedactionConstants.MinimumPseudonymizationKeyBytes} bytes of random key material (for example the "
                + "44 characters of 'openssl rand -base64 32'), or remove it to mask pseudonymized keys instead.");
        }

        if (options.PseudonymizationKeyId is { } keyId && !IsKeyId(keyId))
        {
            Fail($"{Section}:{nameof(options.PseudonymizationKeyId)} is '{keyId}'. Use 1 to "
                + $"{RedactionConstants.MaximumPseudonymizationKeyIdLength} lower-case letters and digits (for example "
                + "'k2026'), or remove it to use an id derived from the key.");
        }

        if (options.CustomPatterns is null)
        {
            Fail($"{Section}:{nameof(options.CustomPatterns)} must not be null. Leave it empty instead.");
        }
        else
        {
            foreach (var (patternName, pattern) in options.CustomPatterns)
            {
                var path = $"{Section}:{nameof(options.CustomPatterns)}:{patternName}";
                if (!RedactionDetector.IsValidName(patternName ?? string.Empty))
                {
                    Fail($"{path} has an invalid name. Use letters, digits, '_', '-' and '.'.");
                }
                else if (Contains(Redactor.DetectorNames, patternName!))
                {
                    Fail($"{path} has the name of a built-in detector. Rename the entry.");
                }

                if (string.IsNullOrWhiteSpace(pattern))
                {
                    Fail($"{path} is empty. Set a regular expression or remove the entry.");
                    continue;
                }

                try
                {
                    _ = RegexDetector.Create(pattern);
                }
                catch (ArgumentException ex)
                {
                    Fail($"{path} is not a valid regular expression: {ex.Message} Fix the pattern or remove the entry.");
                }
            }
        }

        if (options.Detectors is null)
        {
            Fail($"{Section}:{nameof(options.Detectors)} must not be null. Leave it empty instead.");
        }
        else
        {
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var detector in options.Detectors)
            {
                if (detector is null)
                {
                    Fail($"{Section}:{nameof(options.Detectors)} contains null. Remove the entry.");
                }
                else if (Contains(Redactor.DetectorNames, detector.Name)
                    || (options.CustomPatterns?.ContainsKey(detector.Name) ?? false)
                    || !names.Add(detector.Name))
                {
                    Fail($"{Section}:{nameof(options.Detectors)} has more than one detector named '{detector.Name}'. "
                        + "Give each detector its own name.");
                }
            }
        }

        return failures;
    }

    private static void CheckEntries(IList<string>? entries, string property, Action<string> fail)
    {
        if (entries is null)
        {
            fail($"{Section}:{property} must not be null. Leave it empty instead.");
            return;
        }

        for (var i = 0; i < entries.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(entries[i]))
            {
                fail($"{Section}:{property}:{i} is empty. Remove the entry.");
            }
        }
    }

    private static bool IsKeyId(string keyId)
    {
        if (keyId.Length is 0 or > RedactionConstants.MaximumPseudonymizationKeyIdLength)
        {
            return false;
        }

        foreach (var c in keyId)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Contains(IReadOnlyList<string> names, string name)
    {
        foreach (var candidate in names)
        {
            if (string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
