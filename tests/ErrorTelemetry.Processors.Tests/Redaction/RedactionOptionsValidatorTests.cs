using ErrorTelemetry.Redaction.Internal;

namespace ErrorTelemetry.Tests.Redaction;

public class RedactionOptionsValidatorTests
{
    private static string[] Failures(Action<RedactionOptions> configure)
    {
        var options = new RedactionOptions();
        configure(options);
        var result = new RedactionOptionsValidator().Validate(null, options);
        return result.Failed ? [.. result.Failures!] : [];
    }

    [Fact]
    public void Validate_Defaults_Succeeds() => Assert.Empty(Failures(_ => { }));

    [Fact]
    public void Validate_InvalidPattern_NamesTheEntry()
    {
        var failure = Assert.Single(Failures(o => o.CustomPatterns["foo"] = "(unclosed"));
        Assert.StartsWith("ErrorTelemetry:Redaction:CustomPatterns:foo is not a valid regular expression: ", failure, StringComparison.Ordinal);
        Assert.EndsWith("Fix the pattern or remove the entry.", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad name", "ErrorTelemetry:Redaction:CustomPatterns:bad name has an invalid name")]
    [InlineData("email", "ErrorTelemetry:Redaction:CustomPatterns:email has the name of a built-in detector")]
    public void Validate_BadPatternName_NamesTheEntry(string name, string expected) =>
        Assert.StartsWith(expected, Assert.Single(Failures(o => o.CustomPatterns[name] = "x")), StringComparison.Ordinal);

    [Fact]
    public void Validate_EmptyPattern_NamesTheEntry() =>
        Assert.Equal(
            "ErrorTelemetry:Redaction:CustomPatterns:empty is empty. Set a regular expression or remove the entry.",
            Assert.Single(Failures(o => o.CustomPatterns["empty"] = " ")));

    [Fact]
    public void Validate_UnknownDetector_ListsKnownOnes()
    {
        var failure = Assert.Single(Failures(o => o.DisabledDetectors.Add("emails")));
        Assert.StartsWith("ErrorTelemetry:Redaction:DisabledDetectors:0 is 'emails', which is not a built-in detector. Use one of: private_key,", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ShortPseudonymizationKey_Fails() =>
        Assert.StartsWith(
            "ErrorTelemetry:Redaction:PseudonymizationKey is too short (5 bytes). Use at least 32 bytes",
            Assert.Single(Failures(o => o.PseudonymizationKey = "short")),
            StringComparison.Ordinal);

    [Fact]
    public void Validate_PseudonymizationKeyLength_CountedInBytesOfKeyMaterial()
    {
        Assert.StartsWith(
            "ErrorTelemetry:Redaction:PseudonymizationKey is too short (31 bytes).",
            Assert.Single(Failures(o => o.PseudonymizationKey = new string('k', 31))),
            StringComparison.Ordinal);
        Assert.Null(RedactionOptionsValidator.GetFailures(new RedactionOptions { PseudonymizationKey = new string('€', 11) }));
    }

    [Fact]
    public void Validate_BadPseudonymizationKeyId_FailsNamingTheKeyAndTheFix() =>
        Assert.Equal(
            "ErrorTelemetry:Redaction:PseudonymizationKeyId is 'Key 1'. Use 1 to 16 lower-case letters and digits (for example 'k2026'), or remove it to use an id derived from the key.",
            Assert.Single(Failures(o => o.PseudonymizationKeyId = "Key 1")));

    [Fact]
    public void Validate_PreserveEverything_Fails() =>
        Assert.Contains(
            "would turn redaction off for every attribute",
            Assert.Single(Failures(o => o.PreservedKeys.Add("*"))),
            StringComparison.Ordinal);

    [Fact]
    public void Validate_EmptyEntry_Fail() =>
        Assert.Contains("ErrorTelemetry:Redaction:SensitiveKeys:0 is empty. Remove the entry.", Failures(o => o.SensitiveKeys.Add(" ")));

    [Theory]
    [InlineData(100)]
    [InlineData(0)]
    [InlineData(int.MaxValue)]
    public void Validate_MaxValueLengthOutOfRange_NamesTheKeyAndTheRange(int length) =>
        Assert.Equal(
            $"ErrorTelemetry:Redaction:MaxValueLength is {length}. Use a length from 1024 to 16777216 characters (the default is 32768).",
            Assert.Single(Failures(o => o.MaxValueLength = length)));
}
