using System.Net;
using ErrorTelemetry.Redaction.Internal;

namespace ErrorTelemetry.Tests.Redaction;

public class ClientAddressTruncatorTests
{
    [Theory]
    [InlineData("203.0.113.195", "203.0.113.0")]
    [InlineData("10.1.2.3", "10.1.2.0")]
    [InlineData(" 192.168.0.255 ", "192.168.0.0")]
    [InlineData("2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3::")]
    [InlineData("2001:db8:85a3::1", "2001:db8:85a3::")]
    [InlineData("[2001:db8:85a3::1]", "2001:db8:85a3::")]
    [InlineData("fe80::1ff:fe23:4567:890a%3", "fe80::")]
    [InlineData("::1", "::")]
    [InlineData("::ffff:203.0.113.195", "::ffff:203.0.113.0")]
    [InlineData("::FFFF:192.168.1.77", "::ffff:192.168.1.0")]
    public void TryTruncate_IpAddress_KeepsOnlyTheNetwork(string address, string expected)
    {
        Assert.True(ClientAddressTruncator.TryTruncate(address, out var truncated));
        Assert.Equal(expected, truncated);
    }

    [Theory]
    [InlineData("")]
    [InlineData("unknown")]
    [InlineData("api.example.com")]
    [InlineData("12345")]
    [InlineData("10.1")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("bob@example.com")]
    public void TryTruncate_NotAnIpAddress_ReturnsFalseAndTheSameText(string text)
    {
        Assert.False(ClientAddressTruncator.TryTruncate(text, out var truncated));
        Assert.Same(text, truncated);
    }

    [Theory]
    [InlineData("203.0.113.195, 198.51.100.7", "203.0.113.0, 198.51.100.0")]
    [InlineData("203.0.113.195,2001:db8:85a3::1", "203.0.113.0, 2001:db8:85a3::")]
    [InlineData("unknown, 10.0.0.7", "unknown, 10.0.0.0")]
    public void TryTruncate_ForwardedForList_EveryAddressTruncated(string list, string expected)
    {
        Assert.True(ClientAddressTruncator.TryTruncate(list, out var truncated));
        Assert.Equal(expected, truncated);
    }

    [Fact]
    public void TryTruncate_ListWithoutAddress_ReturnsFalse() =>
        Assert.False(ClientAddressTruncator.TryTruncate("unknown, proxy.example.com", out _));

    [Fact]
    public void Truncate_IPAddressObject_KeepsOnlyTheNetwork()
    {
        Assert.Equal(IPAddress.Parse("198.51.100.0"), ClientAddressTruncator.Truncate(IPAddress.Parse("198.51.100.42")));
        Assert.Equal(IPAddress.Parse("2001:db8:1::"), ClientAddressTruncator.Truncate(IPAddress.Parse("2001:db8:1:2:3:4:5:6")));
        Assert.Equal(IPAddress.Parse("::ffff:198.51.100.0"), ClientAddressTruncator.Truncate(IPAddress.Parse("198.51.100.42").MapToIPv6()));
    }
}
