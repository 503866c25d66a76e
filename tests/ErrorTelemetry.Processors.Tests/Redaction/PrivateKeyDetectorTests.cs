namespace ErrorTelemetry.Tests.Redaction;

// Driven through the default engine, so ordering between detectors is part of what is tested. Every case
// states the whole expected output: the secret is gone and the context survives.
public class PrivateKeyDetectorTests
{
    [Fact]
    public void Redact_PemPrivateKey_WholeBlockReplaced()
    {
        var input = "key: -----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1234\nabcd==\n-----END RSA PRIVATE KEY----- loaded";
        Assert.Equal("key: [REDACTED:private_key] loaded", TestRedactors.Default.Redact(input));
    }

    [Fact]
    public void Redact_TruncatedPrivateKey_ReplacedToEnd() =>
        Assert.Equal(
            "pem [REDACTED:private_key]",
            TestRedactors.Default.Redact("pem -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA"));

    [Fact]
    public void Redact_Certificate_Unchanged()
    {
        var input = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ\n-----END CERTIFICATE-----";
        Assert.Same(input, TestRedactors.Default.Redact(input));
    }
}
