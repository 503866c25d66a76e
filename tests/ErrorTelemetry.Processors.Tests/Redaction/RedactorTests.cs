using System.Diagnostics.Tracing;
using System.Security.Cryptography;
using System.Text;
using ErrorTelemetry.Redaction.Internal;

namespace ErrorTelemetry.Tests.Redaction;

public class RedactorTests
{
    // Identifiers and everyday values engineers rely on: none of them may be touched.
    public static TheoryData<string> OrdinaryValues =>
    [
        "4bf92f3577b34da6a3ce929d0e0e4736",
        "00f067aa0ba902b7",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        "123e4567-e89b-12d3-a456-426614174000",
        "12345678-1234-1234-1234-123456789012",
        "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}",
        "2024-05-17T10:15:30.1234567Z",
        "2024-05-17T10:15:30+02:00",
        "2024-05-17 10:15:30,123",
        "Fri, 17 May 2024 10:15:30 GMT",
        "1715940930123",
        "1715940930123456789",
        "00:00:01.2345678",
        "1.2.3.4",
        "v10.0.100-rc.2.24474.11",
        "OpenTelemetry 1.20.1",
        "42",
        "-17",
        "3.14159",
        "1,234,567.89",
        "12345678901",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "9bbc29f1e5d9c0a3b4f5e6d7c8b9a0f1e2d3c4b5",
        "https://example.com/api/orders/42?page=2&sort=desc",
        "http://localhost:5000/health",
        "10.0.0.1",
        "2001:db8::1",
        "   at ErrorTelemetry.Orders.OrderService.PlaceAsync(Order order) in /src/Orders/OrderService.cs:line 42",
        "Request finished HTTP/1.1 GET http://localhost/orders/42 - 200 - application/json 12.3456ms",
        "DEPENDENCY_DB_TIMEOUT",
        "token_count=42",
        "Retry-After: 120",
        "E-mail sent to 3 recipients",
        "SELECT * FROM users WHERE id = @id AND tenant = @tenant",
    ];

    [Theory]
    [MemberData(nameof(OrdinaryValues))]
    public void Redact_OrdinaryValue_ReturnsSameInstance(string value) =>
        Assert.Same(value, TestRedactors.Default.Redact(value));

    [Theory]
    [MemberData(nameof(OrdinaryValues))]
    public void RedactAttribute_OrdinaryValue_ReturnsSameInstance(string value)
    {
        Assert.Same(value, TestRedactors.Default.RedactAttribute("app.value", value, out var drop));
        Assert.False(drop);
    }

    [Fact]
    public void Redact_CleanText_AllocatesNothing()
    {
        // 200 characters that trip most pre-scans (digits, '=', ':', '-', '+', '@'-free) without a secret.
        const string text =
            "GET /api/orders/42 responded 200 in 35 ms; trace=4bf92f3577b34da6a3ce929d0e0e4736 span=00f067aa0ba902b7 "
            + "at 2024-05-17T10:15:30+02:00 version 1.2.3.4 count: 17, ratio 0.75, queue depth: 1024 status ok.";
        Assert.Equal(200, text.Length);
        var redactor = TestRedactors.Default;
        for (var i = 0; i < 100; i++)
        {
            redactor.Redact(text);
            redactor.RedactAttribute("http.route", text, out _);
            redactor.RedactAttribute("app.message", text, out _);
        }

        object status = 200;

        // The JIT and tiering may allocate once while the loop runs; a per-call allocation shows up in every round.
        var fewest = long.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1000; i++)
            {
                redactor.Redact(text);
                redactor.RedactAttribute("app.message", text, out _);
                redactor.RedactAttribute("http.response.status_code", status, out _);
            }

            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, fewest);
        Assert.Same(text, redactor.Redact(text));
    }

    [Fact]
    public void Redact_LeakCorpus_SecretsGoneContextKept()
    {
        var text = "Order 42 for bob@example.com failed: card 4111 1111 1111 1111 declined; "
            + "callback https://shop.example.com/cb?token=s3cr3t&order=42 with Authorization: Bearer abc.def.ghi\n"
            + $"db Server=db;User Id=app;Password=Hunter2!; jwt {JwtDetectorTests.Jwt}";

        var redacted = TestRedactors.Default.Redact(text);

        foreach (var secret in new[] { "bob@example.com", "4111", "s3cr3t", "abc.def.ghi", "Hunter2!", "eyJ" })
        {
            Assert.DoesNotContain(secret, redacted, StringComparison.Ordinal);
        }

        Assert.Equal(
            "Order 42 for [REDACTED:email] failed: card [REDACTED:card] declined; "
            + "callback https://shop.example.com/cb?token=[REDACTED]&order=42 with Authorization: [REDACTED:authorization]\n"
            + "db Server=db;User Id=app;Password=[REDACTED:password]; jwt [REDACTED:jwt]",
            redacted);
    }

    [Fact]
    public void Redact_AlreadyRedacted_Unchanged()
    {
        var once = TestRedactors.Default.Redact("u=https://a:b@h/x?token=t pwd=p bob@example.com Bearer abcdefgh12345678");
        Assert.Same(once, TestRedactors.Default.Redact(once));
    }

    [Theory]
    [InlineData("http.request.header.authorization", "Bearer abc", "[REDACTED:authorization]")]
    [InlineData("X-Api-Key", "k-123", "[REDACTED:api_key]")]
    [InlineData("db.connection_string", "Server=db;Password=x", "[REDACTED:connection_string]")]
    [InlineData("http.response.header.set-cookie", "sid=1", "[REDACTED:cookie]")]
    [InlineData("password", "hunter2", "[REDACTED:password]")]
    [InlineData("session.id", "s-1", "[REDACTED:session]")]
    [InlineData("error.token", "abc", "[REDACTED:token]")] // a secret is redacted even under the error.* prefix
    public void RedactAttribute_SensitiveKey_WholeValueReplaced(string key, string value, string expected)
    {
        Assert.Equal(expected, TestRedactors.Default.RedactAttribute(key, value, out var drop));
        Assert.False(drop);
    }

    [Fact]
    public void RedactAttribute_SensitiveHeaderArray_KeepsShape() =>
        Assert.Equal(
            ["[REDACTED:authorization]", "[REDACTED:authorization]"],
            Assert.IsType<string[]>(TestRedactors.Default.RedactAttribute("http.request.header.authorization", new[] { "Bearer a", "Basic b" }, out _)));

    [Fact]
    public void RedactAttribute_SensitiveKeyWithNumber_Replaced() =>
        Assert.Equal("[REDACTED:password]", TestRedactors.Default.RedactAttribute("user.pin", 1234, out _));

    [Fact]
    public void RedactAttribute_ConfiguredSensitiveKey_Replaced()
    {
        var redactor = TestRedactors.Create(o => o.SensitiveKeys.Add("customer_ref"));
        Assert.Equal("[REDACTED:customer_ref]", redactor.RedactAttribute("order.customer_ref", "C-1", out _));
        Assert.Equal("[REDACTED:customer_ref]", redactor.RedactAttribute("X-Customer-Ref", "C-1", out _));
        Assert.Equal("C-1", redactor.RedactAttribute("order.customer", "C-1", out _));
    }

    [Fact]
    public void RedactAttribute_PreservedKey_NotScanned()
    {
        const string value = "bob@example.com";
        Assert.Same(value, TestRedactors.Default.RedactAttribute("trace_id", value, out _));
        Assert.Same(value, TestRedactors.Default.RedactAttribute("error.code", value, out _));
        Assert.True(TestRedactors.Default.IsPreserved("error.category"));
        Assert.True(TestRedactors.Default.IsPreserved("http.route"));
        Assert.False(TestRedactors.Default.IsPreserved("url.full"));
    }

    [Theory]
    [InlineData("error.context.email", "x@y.com", "[REDACTED:email]")]
    [InlineData("error.context.customer", "Jane <jane@example.com>", "Jane <[REDACTED:email]>")]
    [InlineData("error.detail.card", "4111 1111 1111 1111", "[REDACTED:card]")]
    [InlineData("ERROR.Context.Email", "x@y.com", "[REDACTED:email]")]
    public void RedactAttribute_ExceptionContextUnderErrorPrefix_Scanned(string key, string value, string expected)
    {
        // error.context.* and error.detail.* carry what application code attached to an exception: data, not our ids.
        Assert.Equal(expected, TestRedactors.Default.RedactAttribute(key, value, out var drop));
        Assert.False(drop);
        Assert.False(TestRedactors.Default.IsPreserved(key));
        Assert.Equal(42L, TestRedactors.Default.RedactAttribute("error.context.order_id", 42L, out _));
    }

    [Fact]
    public void RedactAttribute_ExceptionContextPreservedExplicitly_Kept()
    {
        var byPrefix = TestRedactors.Create(o => o.PreservedKeys.Add("error.context.*"));
        Assert.Equal("x@y.com", byPrefix.RedactAttribute("error.context.email", "x@y.com", out _));
        var exact = TestRedactors.Create(o => o.PreservedKeys.Add("error.detail.email"));
        Assert.Equal("x@y.com", exact.RedactAttribute("error.detail.email", "x@y.com", out _));
        Assert.Equal("[REDACTED:email]", exact.RedactAttribute("error.detail.other", "x@y.com", out _));
    }

    [Fact]
    public void RedactAttribute_FailClosed_ExceptionContextNeedsAllowing()
    {
        var redactor = TestRedactors.Create(o => o.FailClosed = true);
        Assert.Equal("UNCLASSIFIED", redactor.RedactAttribute("error.code", "UNCLASSIFIED", out var drop));
        Assert.False(drop);
        Assert.Null(redactor.RedactAttribute("error.context.email", "x@y.com", out drop));
        Assert.True(drop);
    }

    [Fact]
    public void RedactAttribute_CallerChosenCorrelationId_Scanned()
    {
        // A caller picks the correlation id (X-Correlation-ID, baggage): an id passes untouched, personal data does not.
        const string generated = "7de7c302df1b4e3cb61b1fdf38329992";
        Assert.Same(generated, TestRedactors.Default.RedactAttribute("correlation.id", generated, out _));
        Assert.Equal("order-2025-000123", TestRedactors.Default.RedactAttribute("correlation.id", "order-2025-000123", out _));
        Assert.Equal("[REDACTED:email]", TestRedactors.Default.RedactAttribute("correlation.id", "jane@example.com", out var drop));
        Assert.False(drop);

        var failClosed = TestRedactors.Create(o => o.FailClosed = true);
        Assert.Same(generated, failClosed.RedactAttribute("correlation.id", generated, out drop));
        Assert.False(drop);
        Assert.Equal("[REDACTED:email]", failClosed.RedactAttribute("correlation.id", "jane@example.com", out drop));
        Assert.False(drop);
    }

    [Fact]
    public void RedactAttribute_ExactPreservedSensitiveKey_Kept()
    {
        var redactor = TestRedactors.Create(o => o.PreservedKeys.Add("session.id"));
        Assert.Equal("s-1", redactor.RedactAttribute("session.id", "s-1", out _));
    }

    [Fact]
    public void RedactAttribute_ValueScanned_OnlySecretReplaced()
    {
        Assert.Equal(
            "https://api.example.com/orders?token=[REDACTED]&page=2",
            TestRedactors.Default.RedactAttribute("url.full", "https://api.example.com/orders?token=abc&page=2", out _));
        Assert.Equal(
            "code=[REDACTED]&state=ok",
            TestRedactors.Default.RedactAttribute("url.query", "code=abc&state=ok", out _));
    }

    [Fact]
    public void RedactAttribute_Arrays_CopiedOnlyWhenChanged()
    {
        string[] clean = ["a", "b"];
        Assert.Same(clean, TestRedactors.Default.RedactAttribute("tags", clean, out _));

        string[] dirty = ["a", "bob@example.com"];
        var result = Assert.IsType<string[]>(TestRedactors.Default.RedactAttribute("tags", dirty, out _));
        Assert.Equal(["a", "[REDACTED:email]"], result);
        Assert.Equal("bob@example.com", dirty[1]);

        object?[] objects = [1, "bob@example.com"];
        Assert.Equal([1, "[REDACTED:email]"], Assert.IsType<object?[]>(TestRedactors.Default.RedactAttribute("o", objects, out _)));

        int[] numbers = [1, 2];
        Assert.Same(numbers, TestRedactors.Default.RedactAttribute("n", numbers, out _));
    }

    [Fact]
    public void RedactAttribute_CharArray_ScannedAsText()
    {
        var chars = "mail bob@example.com now".ToCharArray();
        Assert.Equal("mail [REDACTED:email] now", TestRedactors.Default.RedactAttribute("note", chars, out _));
        Assert.Equal("[REDACTED:password]", TestRedactors.Default.RedactAttribute("password", "Hunter2!".ToCharArray(), out _));
        Assert.Equal(
            TestRedactors.WithKey.RedactAttribute("user.id", "user-8812", out _),
            TestRedactors.WithKey.RedactAttribute("user.id", "user-8812".ToCharArray(), out _));
        object?[] nested = [1, "bob@example.com".ToCharArray()];
        Assert.Equal([1, "[REDACTED:email]"], Assert.IsType<object?[]>(TestRedactors.Default.RedactAttribute("o", nested, out _)));

        var clean = "ok".ToCharArray();
        Assert.Same(clean, TestRedactors.Default.RedactAttribute("note", clean, out _));
    }

    [Fact]
    public void RedactAttribute_KeyValueMap_EntriesRedactedByKeyAndValue()
    {
        var map = new Dictionary<string, object?> { ["tier"] = "gold", ["email"] = "bob@example.com", ["password"] = "Hunter2!" };
        var result = Assert.IsType<List<KeyValuePair<string, object?>>>(TestRedactors.Default.RedactAttribute("customer", map, out _));
        Assert.Equal(
            [new("tier", "gold"), new("email", "[REDACTED:email]"), new("password", "[REDACTED:password]")],
            result);

        var clean = new Dictionary<string, object?> { ["tier"] = "gold" };
        Assert.Same(clean, TestRedactors.Default.RedactAttribute("customer", clean, out _));

        var loop = new Dictionary<string, object?>();
        loop["self"] = loop;
        Assert.NotNull(TestRedactors.Default.RedactAttribute("loop", loop, out _));
    }

    [Theory]
    [InlineData("order.id")]
    [InlineData("orderId")]
    [InlineData("app.invoice_number")]
    [InlineData("shipment.tracking")]
    [InlineData("payment.ref")]
    public void RedactAttribute_OrderKeyWithLuhnNumber_ReturnsSameInstance(string key)
    {
        object text = "4532015112830366";
        Assert.Same(text, TestRedactors.Default.RedactAttribute(key, text, out _));
        object number = 4532015112830366L;
        Assert.Same(number, TestRedactors.Default.RedactAttribute(key, number, out _));
    }

    [Theory]
    [InlineData("order.card")]
    [InlineData("payment.card_id")]
    [InlineData("order.cc")]
    [InlineData("payment.number")]
    public void RedactAttribute_CardKeyOrNoOrderKey_CardReplaced(string key)
    {
        Assert.Equal("[REDACTED:card]", TestRedactors.Default.RedactAttribute(key, "4532015112830366", out _));
        Assert.Equal("[REDACTED:card]", TestRedactors.Default.RedactAttribute(key, 4532015112830366L, out _));
    }

    [Fact]
    public void RedactAttribute_OrderKeyWithTextAroundCard_CardReplaced() =>
        Assert.Equal(
            "paid by [REDACTED:card]",
            TestRedactors.Default.RedactAttribute("order.id", "paid by 4532015112830366", out _));

    [Fact]
    public void RedactAttribute_Numbers_CardNumbersReplaced()
    {
        Assert.Equal("[REDACTED:card]", TestRedactors.Default.RedactAttribute("n", 4111111111111111L, out _));
        Assert.Equal("[REDACTED:card]", TestRedactors.Default.RedactAttribute("n", 4111111111111111UL, out _));
        Assert.Equal("[REDACTED:card]", TestRedactors.Default.RedactAttribute("n", 4111111111111111m, out _));
        object timestamp = 1715940930123L;
        Assert.Same(timestamp, TestRedactors.Default.RedactAttribute("n", timestamp, out _));
        object small = 42L;
        Assert.Same(small, TestRedactors.Default.RedactAttribute("n", small, out _));
        object flag = true;
        Assert.Same(flag, TestRedactors.Default.RedactAttribute("n", flag, out _));
    }

    [Fact]
    public void RedactAttribute_OtherObject_ScannedThroughToString()
    {
        var customer = new Customer("bob@example.com");
        Assert.Equal("Customer { Email = [REDACTED:email] }", TestRedactors.Default.RedactAttribute("c", customer, out _));
        var uri = new Uri("https://example.com/x?page=1");
        Assert.Same(uri, TestRedactors.Default.RedactAttribute("u", uri, out _));
    }

    [Fact]
    public void RedactAttribute_PseudonymizedKeyWithKey_StableHmacPseudonym()
    {
        var pseudonym = Assert.IsType<string>(TestRedactors.WithKey.RedactAttribute("enduser.id", "user-8812", out _));

        // As HmacRedactor: the key's id, then 16 bytes of HMAC-SHA256 (here in hex); the id defaults to 4 bytes of
        // the key's SHA-256.
        var key = Encoding.UTF8.GetBytes(TestRedactors.PseudonymizationKey);
        var expected = "pseu_" + Convert.ToHexStringLower(SHA256.HashData(key), 0, 4) + "_"
            + Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("user-8812")).AsSpan(0, 16));
        Assert.Equal(expected, pseudonym);
        Assert.Equal(pseudonym, TestRedactors.Create(o => o.PseudonymizationKey = TestRedactors.PseudonymizationKey).RedactAttribute("user.id", "user-8812", out _));
        var rotated = Assert.IsType<string>(TestRedactors.Create(o => o.PseudonymizationKey = "another-pseudonymization-key-0123456789").RedactAttribute("user.id", "user-8812", out _));
        Assert.NotEqual(pseudonym[..14], rotated[..14]);
        Assert.Same(pseudonym, TestRedactors.WithKey.RedactAttribute("user.id", pseudonym, out _));
        Assert.Equal(
            TestRedactors.WithKey.RedactAttribute("user.id", "8812", out _),
            TestRedactors.WithKey.RedactAttribute("user.id", 8812, out _));
        Assert.Null(TestRedactors.WithKey.PseudonymizationWarning);
    }

    [Fact]
    public void RedactAttribute_PseudonymizationKeyIdConfigured_WrittenIntoThePseudonym()
    {
        var redactor = TestRedactors.Create(o =>
        {
            o.PseudonymizationKey = TestRedactors.PseudonymizationKey;
            o.PseudonymizationKeyId = "k2026";
        });
        var pseudonym = Assert.IsType<string>(redactor.RedactAttribute("user.id", "user-8812", out _));
        Assert.Matches("^pseu_k2026_[0-9a-f]{32}$", pseudonym);
        Assert.Same(pseudonym, redactor.RedactAttribute("user.id", pseudonym, out _));
    }

    [Theory]
    [InlineData("UserId")]
    [InlineData("user_id")]
    [InlineData("userId")]
    [InlineData("app.user-id")]
    [InlineData("customerId")]
    [InlineData("order.customer_id")]
    [InlineData("enduser.id")]
    public void RedactAttribute_PseudonymizedKeySpelling_SamePseudonymAsTheListedKey(string key)
    {
        var expected = TestRedactors.WithKey.RedactAttribute("user.id", "user-8812", out _);
        Assert.Equal(expected, TestRedactors.WithKey.RedactAttribute(key, "user-8812", out _));
    }

    [Theory]
    [InlineData("userIdentity")]
    [InlineData("thread.id")]
    [InlineData("user.name")]
    public void RedactAttribute_KeyOnlyResemblingAPseudonymizedKey_Scanned(string key) =>
        Assert.Equal("user-8812", TestRedactors.WithKey.RedactAttribute(key, "user-8812", out _));

    [Fact]
    public void RedactAttribute_PseudonymizedKeyWithoutKey_MaskedAndWarned()
    {
        Assert.Equal("[REDACTED:user]", TestRedactors.Default.RedactAttribute("enduser.id", "user-8812", out _));
        Assert.Contains("ErrorTelemetry:Redaction:PseudonymizationKey is not set", TestRedactors.Default.PseudonymizationWarning, StringComparison.Ordinal);
        Assert.Contains("enduser.id", TestRedactors.Default.PseudonymizationWarning, StringComparison.Ordinal);
        Assert.Null(TestRedactors.Create(o => o.PseudonymizedKeys.Clear()).PseudonymizationWarning);
    }

    [Fact]
    public void RedactAttribute_FailClosed_OnlyAllowedAndPreservedKeysLeave()
    {
        var redactor = TestRedactors.Create(o =>
        {
            o.FailClosed = true;
            o.AllowedKeys.Add("http.*");
            o.AllowedKeys.Add("order.id");
        });

        Assert.Equal("/orders/{id}", redactor.RedactAttribute("http.route", "/orders/{id}", out var drop));
        Assert.False(drop);
        Assert.Equal("[REDACTED:email]", redactor.RedactAttribute("order.id", "bob@example.com", out drop));
        Assert.False(drop);
        Assert.Equal("4bf9", redactor.RedactAttribute("trace_id", "4bf9", out drop));
        Assert.False(drop);
        Assert.Equal("{A}", redactor.RedactAttribute("{OriginalFormat}", "{A}", out drop));
        Assert.False(drop);
        Assert.Null(redactor.RedactAttribute("customer.name", "Bob", out drop));
        Assert.True(drop);
        Assert.True(redactor.IsDropped("customer.name"));
    }

    [Fact]
    public void Redact_DisabledDetector_NotApplied()
    {
        var redactor = TestRedactors.Create(o => o.DisabledDetectors.Add("phone"));
        Assert.Equal("call +1 415 555 2671 or [REDACTED:email]", redactor.Redact("call +1 415 555 2671 or bob@example.com"));
    }

    [Fact]
    public void Redact_CustomPattern_Replaced()
    {
        var redactor = TestRedactors.Create(o => o.CustomPatterns["employee_id"] = @"\bEMP-\d{6}\b");
        Assert.Equal("by [REDACTED:employee_id] at 10:00", redactor.Redact("by EMP-123456 at 10:00"));
    }

    [Fact]
    public void Redact_CustomDetector_Replaced()
    {
        var redactor = TestRedactors.Create(o => o.Detectors.Add(new CustomerNumberDetector()));
        Assert.Equal("customer [REDACTED:customer] and [REDACTED:customer]", redactor.Redact("customer CUST-0042 and CUST-7"));
        const string clean = "customer number unknown";
        Assert.Same(clean, redactor.Redact(clean));
    }

    [Fact]
    public void Redact_ThrowingDetector_FailsClosedAndReports()
    {
        using var listener = new RedactionEventListener();
        var redactor = TestRedactors.Create(o => o.Detectors.Add(new ThrowingDetector()));

        Assert.Equal(Redactor.ErrorReplacement, redactor.Redact("bob@example.com said boom"));
        Assert.Equal(Redactor.ErrorReplacement, redactor.RedactAttribute("note", "boom", out var drop));
        Assert.False(drop);

        var failures = listener.Events.Where(e => e.EventId == 4 && (string?)e.Payload![0] == "throwing").ToArray();
        Assert.Equal(2, failures.Length);
        Assert.All(failures, f => Assert.Equal(typeof(InvalidOperationException).FullName, f.Payload![1]));
    }

    [Fact]
    public void Redact_DetectorReturningBadRange_FailsClosed()
    {
        var redactor = TestRedactors.Create(o => o.Detectors.Add(new BadRangeDetector()));
        Assert.Equal(Redactor.ErrorReplacement, redactor.Redact("anything"));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsNamingTheKey()
    {
        var ex = Assert.Throws<ArgumentException>(() => TestRedactors.Create(o => o.CustomPatterns["foo"] = "(unclosed"));
        Assert.Contains("ErrorTelemetry:Redaction:CustomPatterns:foo is not a valid regular expression", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_ConcurrentCallers_SameResults()
    {
        var redactor = TestRedactors.WithKey;
        var inputs = Enumerable.Range(0, 64).Select(i => $"user{i}@example.com paid with 4111 1111 1111 1111 (#{i})").ToArray();
        var expected = inputs.Select(i => TestRedactors.Default.Redact(i)).ToArray();
        Parallel.For(0, 4000, i =>
        {
            var n = i % inputs.Length;
            Assert.Equal(expected[n], redactor.Redact(inputs[n]));
            Assert.Equal("[REDACTED:password]", redactor.RedactAttribute($"key{n}.password", "p", out _));
        });
    }

    [Fact]
    public void RedactAttribute_NewValueUnderKeyWhoseLastValueWasClean_Scanned()
    {
        var redactor = TestRedactors.Create(static _ => { });
        for (var i = 0; i < 3; i++)
        {
            Assert.Same("order shipped", redactor.RedactAttribute("note", "order shipped", out _));
        }

        Assert.Equal("mail [REDACTED:email]", redactor.RedactAttribute("note", "mail bob@example.com", out _));
        Assert.Same("order shipped", redactor.RedactAttribute("note", "order shipped", out _));
    }

    [Fact]
    public void RedactAttribute_ValueCleanUnderOneKey_StillReplacedUnderSensitiveKey()
    {
        var redactor = TestRedactors.Create(static _ => { });
        const string value = "blue-harbour-42";
        for (var i = 0; i < 3; i++)
        {
            Assert.Same(value, redactor.RedactAttribute("note", value, out _));
        }

        Assert.Equal("[REDACTED:password]", redactor.RedactAttribute("db.password", value, out _));
        Assert.Equal("[REDACTED:password]", redactor.RedactAttribute("db.password", value, out _));
    }

    [Fact]
    public void RedactAttribute_RedactorThatDoesNotRememberCleanValues_ScansEveryTime()
    {
        var detector = new CountingDetector();
        var options = new RedactionOptions();
        options.Detectors.Add(detector);
        var redactor = new Redactor(options);
        for (var i = 0; i < 3; i++)
        {
            Assert.Same("order shipped", redactor.RedactAttribute("note", "order shipped", out _));
        }

        Assert.Equal(3, detector.Calls);
    }

    private sealed record Customer(string Email);

    private sealed class CustomerNumberDetector() : RedactionDetector("customer")
    {
        public override bool CanMatch(ReadOnlySpan<char> text) => text.IndexOf("CUST-", StringComparison.Ordinal) >= 0;

        public override bool TryFind(ReadOnlySpan<char> text, int startAt, out int index, out int length)
        {
            var found = text[startAt..].IndexOf("CUST-", StringComparison.Ordinal);
            if (found < 0)
            {
                index = length = 0;
                return false;
            }

            index = startAt + found;
            var end = index + 5;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            length = end - index;
            return true;
        }
    }

    private sealed class ThrowingDetector() : RedactionDetector("throwing")
    {
        public override bool CanMatch(ReadOnlySpan<char> text) => text.Contains("boom", StringComparison.Ordinal);

        public override bool TryFind(ReadOnlySpan<char> text, int startAt, out int index, out int length) =>
            throw new InvalidOperationException("detector bug");
    }

    private sealed class CountingDetector() : RedactionDetector("counting")
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public override bool CanMatch(ReadOnlySpan<char> text)
        {
            Interlocked.Increment(ref _calls);
            return false;
        }

        public override bool TryFind(ReadOnlySpan<char> text, int startAt, out int index, out int length)
        {
            index = 0;
            length = 0;
            return false;
        }
    }

    private sealed class BadRangeDetector() : RedactionDetector("bad")
    {
        public override bool CanMatch(ReadOnlySpan<char> text) => true;

        public override bool TryFind(ReadOnlySpan<char> text, int startAt, out int index, out int length)
        {
            index = startAt;
            length = 0;
            return true;
        }
    }
}

internal sealed class RedactionEventListener : EventListener
{
    private readonly List<EventWrittenEventArgs> _events = [];

    public IReadOnlyList<EventWrittenEventArgs> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "ErrorTelemetry")
        {
            EnableEvents(eventSource, EventLevel.Verbose);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        lock (_events)
        {
            _events.Add(eventData);
        }
    }
}
