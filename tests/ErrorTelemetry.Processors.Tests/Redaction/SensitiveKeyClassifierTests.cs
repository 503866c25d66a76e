using ErrorTelemetry.Redaction.Internal;

namespace ErrorTelemetry.Tests.Redaction;

public class SensitiveKeyClassifierTests
{
    private static readonly SensitiveKeyClassifier Classifier = new(["customer_ref"]);

    [Theory]
    [InlineData("password", "password")]
    [InlineData("PASSWORD", "password")]
    [InlineData("db.password", "password")]
    [InlineData("userPassword", "password")]
    [InlineData("passwd", "password")]
    [InlineData("pwd", "password")]
    [InlineData("Pwd", "password")]
    [InlineData("password_hash", "password")]
    [InlineData("secret", "secret")]
    [InlineData("client_secret", "secret")]
    [InlineData("aws_secret_access_key", "secret")]
    [InlineData("token", "token")]
    [InlineData("access_token", "token")]
    [InlineData("refresh_token", "token")]
    [InlineData("X-CSRFToken", "token")]
    [InlineData("token.value", "token")]
    [InlineData("api_key", "api_key")]
    [InlineData("apikey", "api_key")]
    [InlineData("api-key", "api_key")]
    [InlineData("X-Api-Key", "api_key")]
    [InlineData("APIKey", "api_key")]
    [InlineData("http.request.header.x-api-key", "api_key")]
    [InlineData("authorization", "authorization")]
    [InlineData("http.request.header.authorization", "authorization")]
    [InlineData("proxy-authorization", "authorization")]
    [InlineData("cookie", "cookie")]
    [InlineData("set-cookie", "cookie")]
    [InlineData("session", "session")]
    [InlineData("sessionid", "session")]
    [InlineData("session_id", "session")]
    [InlineData("session.id", "session")]
    [InlineData("credential", "credential")]
    [InlineData("credentials", "credential")]
    [InlineData("private_key", "private_key")]
    [InlineData("connection string", "connection_string")]
    [InlineData("connectionstring", "connection_string")]
    [InlineData("ConnectionString", "connection_string")]
    [InlineData("conn_str", "connection_string")]
    [InlineData("db.connection_string", "connection_string")]
    [InlineData("order.customer_ref", "customer_ref")]
    [InlineData("user.phone", "phone")]
    [InlineData("phoneNumber", "phone")]
    [InlineData("customer.date_of_birth", "birthdate")]
    [InlineData("passwordConfirmation", "password")]
    [InlineData("password_confirm", "password")]
    [InlineData("pass", "password")]
    [InlineData("db.pass", "password")]
    [InlineData("Ocp-Apim-Subscription-Key", "api_key")]
    [InlineData("X-Functions-Key", "api_key")]
    [InlineData("X-Client-Key", "api_key")]
    [InlineData("http.request.header.x-custom-key", "api_key")]
    [InlineData("sid", "session")]
    [InlineData("connect.sid", "session")]
    [InlineData(".AspNetCore.Cookies", "cookie")]
    [InlineData("PHPSESSID", "session")]
    [InlineData("JSESSIONID", "session")]
    public void Classify_SensitiveKey_ReturnsKind(string key, string kind) =>
        Assert.Equal(kind, Classifier.Classify(key)?.Name);

    [Fact]
    public void Classify_VeryLongKey_JudgedByItsEnd() =>
        Assert.Equal("password", Classifier.Classify(new string('x', 300) + "_password")?.Name);

    [Theory]
    [InlineData("token_count")]
    [InlineData("gen_ai.usage.input_tokens")]
    [InlineData("password_length")]
    [InlineData("possession")]
    [InlineData("user.id")]
    [InlineData("enduser.id")]
    [InlineData("http.route")]
    [InlineData("url.full")]
    [InlineData("cache.key")]
    [InlineData("aws.access_key_id")]
    [InlineData("messaging.kafka.message.key")]
    [InlineData("keyboard")]
    [InlineData("shipping")]
    [InlineData("device.phone.model")]
    [InlineData("iphone")]
    [InlineData("bypass")]
    [InlineData("compass")]
    [InlineData("side")]
    [InlineData("consider")]
    [InlineData("xkey")]
    [InlineData("box.key")]
    [InlineData("error.code")]
    [InlineData("")]
    public void Classify_OrdinaryKey_ReturnsNull(string key) =>
        Assert.Null(Classifier.Classify(key));

    [Theory]
    [InlineData(null, true)]
    [InlineData("customer_ref", true)]
    [InlineData("pin2fa", true)]
    [InlineData("pin2", false)]
    [InlineData("Code 7 ", false)]
    [InlineData("otp_2-", false)]
    [InlineData("legacy64", false)]
    public void OnlyBase64KeysEndInDigit_ConfiguredKey_FalseWhenItEndsInDigit(string? configured, bool expected)
    {
        var classifier = new SensitiveKeyClassifier(configured is null ? null : [configured]);

        Assert.Equal(expected, classifier.OnlyBase64KeysEndInDigit);
    }

    [Theory]
    [InlineData("token_b64")]
    [InlineData("password.base64")]
    [InlineData("secretB64")]
    public void Classify_BuiltInKeyEndingInDigit_EndsIn64(string key)
    {
        // What OnlyBase64KeysEndInDigit promises for the built-in terms: these are sensitive and end in 64, while a
        // key ending in another digit is not.
        var classifier = new SensitiveKeyClassifier(null);

        Assert.NotNull(classifier.Classify(key));
        Assert.Null(classifier.Classify(key[..^1] + "5"));
        Assert.Null(classifier.Classify(key + "1"));
    }
}
