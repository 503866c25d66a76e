using System.Net;
using ErrorTelemetry.Redaction.Internal;

namespace ErrorTelemetry.Tests.Redaction;

/// <summary>How each <see cref="ClientAddressHandling"/> mode treats the values of client address keys.</summary>
public class ClientAddressHandlingTests
{
    private static readonly Redactor Pseudonymizing = TestRedactors.Create(o =>
    {
        o.ClientAddressHandling = ClientAddressHandling.Pseudonymize;
        o.PseudonymizationKey = TestRedactors.PseudonymizationKey;
    });

    private static readonly Redactor Keeping = TestRedactors.Create(o => o.ClientAddressHandling = ClientAddressHandling.Keep);

    public static TheoryData<string> DefaultKeySpellings =>
    [
        "client.address", "client.ip", "http.client_ip", "net.peer.ip", "network.peer.address", "Client.Address",
        "ClientIp", "client_ip", "clientIP", "X-Client-IP", "RemoteIpAddress", "ip_address", "ipAddress", "remote_addr",
        "http.request.header.x_client_ip", "http.request.header.x-forwarded-for", "XForwardedFor",
    ];

    [Fact]
    public void Defaults_TruncateTheStandardClientAddressKeys()
    {
        var options = new RedactionOptions();
        Assert.Equal(ClientAddressHandling.Truncate, options.ClientAddressHandling);
        Assert.Equal(
            ["client.address", "client.ip", "http.client_ip", "net.peer.ip", "network.peer.address", "ip.address", "remote.addr", "forwarded.for"],
            options.ClientAddressKeys);
    }

    [Theory]
    [MemberData(nameof(DefaultKeySpellings))]
    public void RedactAttribute_DefaultKeySpelling_Truncated(string key) =>
        Assert.Equal("203.0.113.0", TestRedactors.Default.RedactAttribute(key, "203.0.113.195", out _));

    [Theory]
    [InlineData("server.address")]
    [InlineData("server.ip")]
    [InlineData("network.local.address")]
    [InlineData("ipAddressCount")]
    [InlineData("description")]
    public void RedactAttribute_OtherKey_AddressUnchanged(string key)
    {
        const string Address = "203.0.113.195";
        Assert.Same(Address, TestRedactors.Default.RedactAttribute(key, Address, out _));
    }

    [Theory]
    [InlineData("203.0.113.195", "203.0.113.0")]
    [InlineData("2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3::")]
    [InlineData("::ffff:203.0.113.195", "::ffff:203.0.113.0")]
    public void RedactAttribute_TruncateMode_HostPartRemoved(string address, string expected) =>
        Assert.Equal(expected, TestRedactors.Default.RedactAttribute("client.address", address, out _));

    [Fact]
    public void RedactAttribute_TruncateModeIPAddressObjectAndArray_HostPartRemoved()
    {
        Assert.Equal("198.51.100.0", TestRedactors.Default.RedactAttribute("RemoteIpAddress", IPAddress.Parse("198.51.100.42"), out _));
        Assert.Equal(
            ["198.51.100.0", "2001:db8:1::"],
            Assert.IsType<string[]>(TestRedactors.Default.RedactAttribute("client.ip", new[] { "198.51.100.42", "2001:db8:1::9" }, out _)));
    }

    [Fact]
    public void RedactAttribute_ForwardedForHeader_EveryAddressTruncatedRestScanned() =>
        Assert.Equal(
            ["203.0.113.0, [REDACTED:email], 10.0.0.0"],
            Assert.IsType<string[]>(TestRedactors.Default.RedactAttribute("http.request.header.x-forwarded-for", new[] { "203.0.113.195, bob@example.com, 10.0.0.7" }, out _)));

    [Fact]
    public void RedactAttribute_TruncateModeNotAnAddress_ScannedAsUsual()
    {
        Assert.Equal("[REDACTED:email] via proxy", TestRedactors.Default.RedactAttribute("client.address", "bob@example.com via proxy", out _));
        const string Host = "proxy.example.com";
        Assert.Same(Host, TestRedactors.Default.RedactAttribute("client.address", Host, out _));
    }

    [Theory]
    [InlineData("203.0.113.195")]
    [InlineData("2001:db8:85a3:8d3:1319:8a2e:370:7348")]
    [InlineData("::ffff:203.0.113.195")]
    public void RedactAttribute_PseudonymizeMode_SamePseudonymAsPseudonymizedKeys(string address)
    {
        var pseudonym = Assert.IsType<string>(Pseudonymizing.RedactAttribute("client.address", address, out _));
        Assert.StartsWith("pseu_", pseudonym, StringComparison.Ordinal);
        Assert.DoesNotContain(address, pseudonym, StringComparison.Ordinal);
        Assert.Equal(Pseudonymizing.Pseudonymize(address), pseudonym);
        Assert.Equal(pseudonym, Pseudonymizing.RedactAttribute("ClientIp", address, out _));
    }

    [Fact]
    public void RedactAttribute_PseudonymizeModeNotAnAddress_Pseudonymized() =>
        Assert.Equal(Pseudonymizing.Pseudonymize("unknown"), Pseudonymizing.RedactAttribute("client.address", "unknown", out _));

    [Theory]
    [InlineData("203.0.113.195")]
    [InlineData("2001:db8:85a3:8d3:1319:8a2e:370:7348")]
    [InlineData("::ffff:203.0.113.195")]
    public void RedactAttribute_KeepMode_AddressExported(string address) =>
        Assert.Same(address, Keeping.RedactAttribute("client.address", address, out _));

    [Fact]
    public void RedactAttribute_KeepModeNotAnAddress_StillScanned() =>
        Assert.Equal("[REDACTED:email]", Keeping.RedactAttribute("client.address", "bob@example.com", out _));

    [Fact]
    public void RedactAttribute_CustomKey_Truncated()
    {
        var redactor = TestRedactors.Create(o => o.ClientAddressKeys.Add("origin.addr"));
        Assert.Equal("203.0.113.0", redactor.RedactAttribute("OriginAddr", "203.0.113.195", out _));
        Assert.Equal("203.0.113.0", redactor.RedactAttribute("client.address", "203.0.113.195", out _));
    }

    [Fact]
    public void RedactAttribute_KeyPreservedExactly_AddressExported()
    {
        var redactor = TestRedactors.Create(o => o.PreservedKeys.Add("client.address"));
        Assert.Equal("203.0.113.195", redactor.RedactAttribute("client.address", "203.0.113.195", out _));
    }

    [Fact]
    public void RedactAttribute_FailClosedAllowedKey_StillTruncated()
    {
        var redactor = TestRedactors.Create(o =>
        {
            o.FailClosed = true;
            o.AllowedKeys.Add("client.address");
        });
        Assert.Equal("203.0.113.0", redactor.RedactAttribute("client.address", "203.0.113.195", out var drop));
        Assert.False(drop);
        redactor.RedactAttribute("client.ip", "203.0.113.195", out drop);
        Assert.True(drop);
    }

    [Fact]
    public void Validate_PseudonymizeWithoutKey_FailsNamingTheKeyAndTheFix()
    {
        var failure = Assert.Single(RedactionOptionsValidator.GetFailures(new RedactionOptions { ClientAddressHandling = ClientAddressHandling.Pseudonymize })!);
        Assert.Equal(
            "ErrorTelemetry:Redaction:ClientAddressHandling is Pseudonymize, but ErrorTelemetry:Redaction:PseudonymizationKey is not set. "
                + "Set a secret key of at least 32 random bytes, or use Truncate.",
            failure);
    }

    [Fact]
    public void Validate_UndefinedHandling_FailsListingTheModes() =>
        Assert.Equal(
            "ErrorTelemetry:Redaction:ClientAddressHandling is '7'. Use Truncate (the default), Pseudonymize or Keep.",
            Assert.Single(RedactionOptionsValidator.GetFailures(new RedactionOptions { ClientAddressHandling = (ClientAddressHandling)7 })!));

    [Fact]
    public void Validate_EmptyClientAddressKey_FailsNamingTheEntry()
    {
        var options = new RedactionOptions();
        options.ClientAddressKeys.Add(" ");
        Assert.Equal(
            "ErrorTelemetry:Redaction:ClientAddressKeys:8 is empty. Remove the entry.",
            Assert.Single(RedactionOptionsValidator.GetFailures(options)!));
    }
}
