using ComplianceRedactor = Microsoft.Extensions.Compliance.Redaction.Redactor;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// ErrorTelemetry's redaction engine as a Microsoft.Extensions.Compliance.Redaction redactor: data classified as
/// private (and given no redactor of its own) gets the pseudonym a <c>user.id</c> attribute gets, so one user id
/// reads the same in classified log properties and in spans. Thread-safe; never throws.
/// </summary>
internal sealed class ClassifiedDataRedactor : ComplianceRedactor
{
    private readonly Redactor _redactor;

    // Every pseudonym (and the mask used without a key) has one length.
    private readonly int _length;

    public ClassifiedDataRedactor(Redactor redactor)
    {
        _redactor = redactor;
        _length = redactor.Pseudonymize("length").Length;
    }

    public override int GetRedactedLength(ReadOnlySpan<char> input) => input.IsEmpty ? 0 : _length;

    public override int Redact(ReadOnlySpan<char> source, Span<char> destination)
    {
        if (source.IsEmpty)
        {
            return 0;
        }

        var pseudonym = _redactor.Pseudonymize(source.ToString());
        pseudonym.AsSpan().CopyTo(destination);
        return pseudonym.Length;
    }
}
