using ErrorTelemetry.Redaction.Internal;

namespace ErrorTelemetry.Tests.Redaction;

// One class per built-in detector, each driven through the default engine so ordering between detectors is part
// of what is tested. Every case states the whole expected output: the secret is gone and the context survives.
public class PaymentCardDetectorTests
{
    [Theory]
    [InlineData("Card 4111 1111 1111 1111 declined", "Card [REDACTED:card] declined")]
    [InlineData("4111-1111-1111-1111", "[REDACTED:card]")]
    [InlineData("pan 4111111111111111;", "pan [REDACTED:card];")]
    [InlineData("amex 378282246310005.", "amex [REDACTED:card].")]
    [InlineData("mc 5555555555554444 and 2221000000000009", "mc [REDACTED:card] and [REDACTED:card]")]
    [InlineData("discover=6011111111111117", "discover=[REDACTED:card]")]
    [InlineData("jcb 3530111333300000", "jcb [REDACTED:card]")]
    [InlineData("{\"card\":\"4012 8888 8888 1881\"}", "{\"card\":\"[REDACTED:card]\"}")]
    [InlineData("cards 4111 1111 1111 1111 2024", "cards [REDACTED:card] 2024")]
    public void Redact_CardNumber_Replaced(string input, string expected) =>
        Assert.Equal(expected, TestRedactors.Default.Redact(input));

    [Theory]
    [InlineData("Card 4111 1111 1111 1112 declined")] // Luhn fails
    [InlineData("id 1234567890123452")] // Luhn passes, but no issuer uses prefix 1
    [InlineData("id 9000000000000001")] // Luhn passes, prefix 9
    [InlineData("compact timestamp 2024051710153017")] // Luhn passes, "2024" is not a Mastercard range
    [InlineData("ratio 0.4111111111111111")] // a decimal, not a card
    [InlineData("hex a4111111111111111b")] // glued to letters
    [InlineData("snowflake 1541815603606036480")]
    [InlineData("short 411111111111")]
    public void Redact_NotACard_Unchanged(string input) =>
        Assert.Same(input, TestRedactors.Default.Redact(input));

    [Fact]
    public void PassesLuhn_KnownNumbers_MatchesChecksum()
    {
        Assert.True(PaymentCardDetector.IsCardNumber("4111 1111 1111 1111"));
        Assert.False(PaymentCardDetector.IsCardNumber("4111 1111 1111 1112"));
        Assert.False(PaymentCardDetector.IsCardNumber("4111 1111 1111 1111 1111"));
        Assert.True(PaymentCardDetector.PassesLuhn([7, 9, 9, 2, 7, 3, 9, 8, 7, 1, 3]));
        Assert.False(PaymentCardDetector.PassesLuhn([7, 9, 9, 2, 7, 3, 9, 8, 7, 1, 4]));
    }
}

public class IbanDetectorTests
{
    [Theory]
    [InlineData("Pay to DE89 3704 0044 0532 0130 00 today", "Pay to [REDACTED:iban] today")]
    [InlineData("iban=GB82WEST12345698765432", "iban=[REDACTED:iban]")]
    [InlineData("FR1420041010050500013M02606 and NL91ABNA0417164300", "[REDACTED:iban] and [REDACTED:iban]")]
    [InlineData("DE89 3704 0044 0532 0130 00 EUR", "[REDACTED:iban] EUR")]
    public void Redact_Iban_Replaced(string input, string expected) =>
        Assert.Equal(expected, TestRedactors.Default.Redact(input));

    [Theory]
    [InlineData("Pay to DE89 3704 0044 0532 0130 01 today")] // checksum fails
    [InlineData("GB82WEST12345698765433")]
    [InlineData("SKU AB12CDEF34567890XY")]
    [InlineData("de89370400440532013000")] // lower case is not detected
    public void Redact_NotAnIban_Unchanged(string input) =>
        Assert.Same(input, TestRedactors.Default.Redact(input));

    [Fact]
    public void Mod97_ValidAndInvalid_ReturnsRemainder()
    {
        Assert.Equal(1, IbanDetector.Mod97("DE89370400440532013000"));
        Assert.NotEqual(1, IbanDetector.Mod97("DE89370400440532013001"));
        Assert.NotEqual(1, IbanDetector.Mod97("DE88370400440532013000"));
    }
}

public class EmailDetectorTests
{
    [Theory]
    [InlineData("Customer bob.smith+vip@example.co.uk not found", "Customer [REDACTED:email] not found")]
    [InlineData("mailto:alice@example.com", "mailto:[REDACTED:email]")]
    [InlineData("<a_b-c%d@sub.example.org>", "<[REDACTED:email]>")]
    [InlineData("to: x@y.io, cc: z@w.io.", "to: [REDACTED:email], cc: [REDACTED:email].")]
    [InlineData("@bob wrote bob@example.com", "@bob wrote [REDACTED:email]")]
    public void Redact_Email_Replaced(string input, string expected) =>
        Assert.Equal(expected, TestRedactors.Default.Redact(input));

    [Theory]
    [InlineData("lodash@4.17.21")]
    [InlineData("root@localhost")]
    [InlineData("@mention and @@ and a@")]
    [InlineData("SELECT * FROM users WHERE id = @id")]
    public void Redact_NotAnEmail_Unchanged(string input) =>
        Assert.Same(input, TestRedactors.Default.Redact(input));
}

public class JwtDetectorTests
{
    internal const string Jwt =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    [Fact]
    public void Redact_Jwt_Replaced()
    {
        Assert.Equal("jwt [REDACTED:jwt] ok", TestRedactors.Default.Redact($"jwt {Jwt} ok"));
        Assert.Equal("\"[REDACTED:jwt]\"", TestRedactors.Default.Redact($"\"{Jwt}\""));
    }

    [Theory]
    [InlineData("eyJ alone")]
    [InlineData("keyJar.something.else")]
    public void Redact_NotAJwt_Unchanged(string input) =>
        Assert.Same(input, TestRedactors.Default.Redact(input));
}

public class AuthHeaderDetectorTests
{
    [Theory]
    [InlineData("sent Bearer abcdef0123456789xyz to api", "sent Bearer [REDACTED:bearer] to api")]
    [InlineData("bearer 9f8e7d6c", "bearer [REDACTED:bearer]")]
    [InlineData("with Basic dXNlcjpwYXNzd29yZA== header", "with Basic [REDACTED:basic] header")]
    [InlineData("Basic dXNlcjpwYXNzd29yZA", "Basic [REDACTED:basic]")]
    public void Redact_Credential_SchemeKept(string input, string expected) =>
        Assert.Equal(expected, TestRedactors.Default.Redact(input));

    [Theory]
    [InlineData("Basic configuration is fine")]
    [InlineData("the bearer of bad news")]
    [InlineData("Basic aGVsbG8gd29ybGQ=")] // decodes to "hello world": no user:password
    public void Redact_Prose_Unchanged(string input) =>
        Assert.Same(input, TestRedactors.Default.Redact(input));
}

public class SsnDetectorTests
{
    [Theory]
    [InlineData("SSN 123-45-6789 on file", "SSN [REDACTED:ssn] on file")]
    [InlineData("(078-05-1120)", "([REDACTED:ssn])")]
    [InlineData("a-b 123-45-6789", "a-b [REDACTED:ssn]")]
    public void Redact_Ssn_Replaced(string input, string expected) =>
        Assert.Equal(expected, TestRedactors.Default.Redact(input));

    [Theory]
    [InlineData("never issued 000-12-3456 666-12-3456 912-12-3456 123-00-4567 123-45-0000")]
    [InlineData("date 2024-05-17")]
    [InlineData("part 123-45-67890")]
    [InlineData("ref A123-45-6789")]
    public void Redact_NotAnSsn_Unchanged(string input) =>
        Assert.Same(input, TestRedactors.Default.Redact(input));
}

public class PhoneDetectorTests
{
    [Theory]
    [InlineData("Call +1 415 555 2671 today", "Call [REDACTED:phone] today")]
    [InlineData("tel:+14155552671", "tel:[REDACTED:phone]")]
    [InlineData("+44 20 7946 0958.", "[REDACTED:phone].")]
    [InlineData("(+1 (415) 555-2671)", "([REDACTED:phone])")]
    [InlineData("+49.30.1234.5678", "[REDACTED:phone]")]
    public void Redact_Phone_Replaced(string input, string expected) =>
        Assert.Equal(expected, TestRedactors.Default.Redact(input));

    [Theory]
    [InlineData("2024-05-17T10:15:30+02:00")]
    [InlineData("v10.0.100+build.5 and 1.2.3+4")]
    [InlineData("+1234567.89 EUR")]
    [InlineData("x+12345678 and 1+12345678")]
    [InlineData("+1234567")]
    [InlineData("+0 123 456 789")]
    public void Redact_NotAPhone_Unchanged(string input) =>
        Assert.Same(input, TestRedactors.Default.Redact(input));
}

public class AwsAccessKeyDetectorTests
{
    [Fact]
    public void Redact_AccessKeyId_Replaced()
    {
        Assert.Equal("key [REDACTED:aws_key] used", TestRedactors.Default.Redact("key AKIAIOSFODNN7EXAMPLE used"));
        Assert.Equal("[REDACTED:aws_key]", TestRedactors.Default.Redact("ASIAY34FZKBOKMUTVV7A"));
    }

    [Theory]
    [InlineData("AKIAIOSFODNN7EXAMPL")] // 19 characters
    [InlineData("XAKIAIOSFODNN7EXAMPLE")]
    [InlineData("AKIAIOSFODNN7EXAMPLE1")]
    public void Redact_NotAnAccessKey_Unchanged(string input) =>
        Assert.Same(input, TestRedactors.Default.Redact(input));

    [Fact]
    public void Redact_SecretAccessKeyAssignment_ValueReplaced() =>
        Assert.Equal(
            "using aws_secret_access_key = [REDACTED:secret] now",
            TestRedactors.Default.Redact("using aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY now"));
}

public class ApiKeyDetectorTests
{
    [Theory]
    [InlineData("sk_live_4eC39HqLyjWDarjtT1zdp7dc")]
    [InlineData("sk_test_4eC39HqLyjWDarjtT1zdp7dc")]
    [InlineData("rk_live_4eC39HqLyjWDarjtT1zdp7dc")]
    [InlineData("ghp_abcdefghijklmnopqrstuvwxyz0123456789")]
    [InlineData("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz")]
    [InlineData("xoxb-1234567890-abcdefghijkl")]
    [InlineData("AIzaSyA-1234567890abcdefghijklmnopqrstu")]
    [InlineData("glpat-abcdefghij0123456789")]
    [InlineData("npm_abcdefghijklmnopqrstuvwxyz0123456789")]
    [InlineData("sk-proj-abcdefghijklmnopqrstuvwxyz012345")]
    public void Redact_ProviderKey_Replaced(string key) =>
        Assert.Equal("using [REDACTED:api_key] here", TestRedactors.Default.Redact($"using {key} here"));

    [Theory]
    [InlineData("task-list-abcdefghijklmnopqrstuvwxyz")]
    [InlineData("ghp_short and sk_live_x")]
    [InlineData("disk-usage-report")]
    public void Redact_NotAKey_Unchanged(string input) =>
        Assert.Same(input, TestRedactors.Default.Redact(input));
}

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

public class UrlQueryDetectorTests
{
    [Theory]
    [InlineData("GET https://api.example.com/v1/items?token=abc123&page=2", "GET https://api.example.com/v1/items?token=[REDACTED]&page=2")]
    [InlineData("https://s3/b/o?X-Amz-Credential=AKIA%2F20240517&X-Amz-Signature=deadbeef&x=1", "https://s3/b/o?X-Amz-Credential=[REDACTED]&X-Amz-Signature=[REDACTED]&x=1")]
    [InlineData("https://app/cb#access_token=xyz&state=1", "https://app/cb#access_token=[REDACTED]&state=1")]
    [InlineData("code=abc&state=xyz", "code=[REDACTED]&state=xyz")]
    [InlineData("https://maps/api?key=AIzaXYZ&q=x", "https://maps/api?key=[REDACTED]&q=x")]
    [InlineData("https://x/y?my_api_key=abc&sig=1f2e", "https://x/y?my_api_key=[REDACTED]&sig=[REDACTED]")]
    [InlineData("\"https://x/y?password=p4ss\"", "\"https://x/y?password=[REDACTED]\"")]
    public void Redact_SensitiveParameter_ValueReplaced(string input, string expected) =>
        Assert.Equal(expected, TestRedactors.Default.Redact(input));

    [Fact]
    public void Redact_ConfiguredParameter_ValueReplaced()
    {
        var redactor = TestRedactors.Create(o => o.SensitiveQueryParameters.Add("tenant_hint"));
        Assert.Equal("https://x/?tenant_hint=[REDACTED]&a=b", redactor.Redact("https://x/?tenant_hint=contoso&a=b"));
    }

    [Theory]
    [InlineData("https://example.com/api/orders/42?page=2&sort=desc")]
    [InlineData("error code=500 returned")]
    [InlineData("token_count=42&model=gpt")]
    public void Redact_OrdinaryQuery_Unchanged(string input) =>
        Assert.Same(input, TestRedactors.Default.Redact(input));
}

public class UrlUserInfoDetectorTests
{
    [Theory]
    [InlineData("postgres://app:Hunter2!@db:5432/orders", "postgres://REDACTED:REDACTED@db:5432/orders")]
    [InlineData("https://user:p/a#ss@example.com/x", "https://REDACTED:REDACTED@example.com/x")]
    [InlineData("git clone https://x-token@github.com/o/r", "git clone https://REDACTED@github.com/o/r")]
    public void Redact_UserInfo_Replaced(string input, string expected) =>
        Assert.Equal(expected, TestRedactors.Default.Redact(input));

    [Theory]
    [InlineData("http://host:8080/a@b")]
    [InlineData("http://localhost:5000/health")]
    public void Redact_NoUserInfo_Unchanged(string input) =>
        Assert.Same(input, TestRedactors.Default.Redact(input));
}

public class KeyValueDetectorTests
{
    [Theory]
    [InlineData("Server=db;User Id=app;Password=Hunter2!;Database=orders", "Server=db;User Id=app;Password=[REDACTED:password];Database=orders")]
    [InlineData("Login failed: Server=db;User ID=app;Pwd=Hunter 2!", "Login failed: Server=db;User ID=app;Pwd=[REDACTED:password]")]
    [InlineData("Password=Hunter 2;Server=db", "Password=[REDACTED:password];Server=db")]
    [InlineData("Driver={SQL Server};Server=db;Pwd={a;b};Trusted=no", "Driver={SQL Server};Server=db;Pwd=[REDACTED:password];Trusted=no")]
    [InlineData("retry with pwd=abc123 later", "retry with pwd=[REDACTED:password] later")]
    [InlineData("{\"password\":\"hun\\\"ter2\",\"user\":\"bob\"}", "{\"password\":\"[REDACTED:password]\",\"user\":\"bob\"}")]
    [InlineData("{\\\"client_secret\\\":\\\"abc\\\"}", "{\\\"client_secret\\\":\\\"[REDACTED:secret]\\\"}")]
    [InlineData("Authorization: Bearer abc.def.ghi\nHost: x", "Authorization: [REDACTED:authorization]\nHost: x")]
    [InlineData("X-Api-Key: abc123 sent", "X-Api-Key: [REDACTED:api_key] sent")]
    [InlineData("authorization=Basic dXNlcjpwYXNz rest", "authorization=[REDACTED:authorization] rest")]
    [InlineData("<password>hunter2</password>", "<password>[REDACTED:password]</password>")]
    [InlineData("refresh_token: 'r-123'", "refresh_token: '[REDACTED:token]'")]
    [InlineData("Cookie: a=1; session=xyz", "Cookie: [REDACTED:cookie]")]
    [InlineData("run --password hunter2 --verbose", "run --password [REDACTED:password] --verbose")]
    [InlineData("--api-key \"a b\" x", "--api-key \"[REDACTED:api_key]\" x")]
    [InlineData("phone: 415-555-2671 (home)", "phone: [REDACTED:phone] (home)")]
    public void Redact_SensitiveAssignment_ValueReplaced(string input, string expected) =>
        Assert.Equal(expected, TestRedactors.Default.Redact(input));

    [Theory]
    [InlineData("token_count=42 model=gpt")]
    [InlineData("password_length: 12, attempts: 3")]
    [InlineData("Content-Type: application/json")]
    [InlineData("at 10:15:30 x==y a=>b")]
    [InlineData("possession: 9/10")]
    [InlineData("run --password-file /etc/x --token-count 5 a--password b")]
    public void Redact_OrdinaryAssignment_Unchanged(string input) =>
        Assert.Same(input, TestRedactors.Default.Redact(input));
}
