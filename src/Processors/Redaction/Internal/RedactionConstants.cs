namespace ErrorTelemetry.Redaction.Internal;

/// <summary>Defaults and limits of <see cref="RedactionOptions"/>, shared by the options and their validator.</summary>
internal static class RedactionConstants
{
    /// <summary>The default of <see cref="RedactionOptions.MaxValueLength"/>: 32 KiB of characters.</summary>
    public const int DefaultMaxValueLength = 32 * 1024;

    /// <summary>The smallest allowed <see cref="RedactionOptions.MaxValueLength"/>.</summary>
    public const int MinimumMaxValueLength = 1024;

    /// <summary>The largest allowed <see cref="RedactionOptions.MaxValueLength"/>: 16 Mi characters.</summary>
    public const int MaximumMaxValueLength = 16 * 1024 * 1024;

    /// <summary>The shortest allowed <see cref="RedactionOptions.PseudonymizationKey"/>, in bytes of UTF-8 key material.</summary>
    public const int MinimumPseudonymizationKeyBytes = 32;

    /// <summary>The longest allowed <see cref="RedactionOptions.PseudonymizationKeyId"/>.</summary>
    public const int MaximumPseudonymizationKeyIdLength = 16;

    /// <summary>The start of the marker a truncated value ends with: <c> [TRUNCATED: &lt;n&gt; characters]</c>.</summary>
    public const string TruncationMarkerStart = " [TRUNCATED: ";

    /// <summary>The end of the truncation marker.</summary>
    public const string TruncationMarkerEnd = " characters]";
}
