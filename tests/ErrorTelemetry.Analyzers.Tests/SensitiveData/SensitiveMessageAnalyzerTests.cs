using ErrorTelemetry.Analyzers.SensitiveData;
using ErrorTelemetry.Analyzers.Tests.TestSupport;

namespace ErrorTelemetry.Analyzers.Tests.SensitiveData;

public sealed class SensitiveMessageAnalyzerTests
{
    [Fact]
    public Task Analyze_SensitiveValuesInterpolatedIntoMessages_Reports() =>
        Verify.AnalyzerAsync<SensitiveMessageAnalyzer>("""
            using System;
            using ErrorTelemetry;
            using Microsoft.Extensions.Logging;
            record User(string Email, string CardNumber);
            class Accounts
            {
                static readonly ErrorDefinition Locked = new("ACCOUNT_LOCKED", ErrorCategory.Authorization, "The account is locked.");
                void A(string email) => throw new InvalidOperationException($"No account for {|ET0004:{email}|}");
                void B(User user) => throw Locked.ToException($"Locked: {|ET0004:{user.CardNumber}|} ({|ET0004:{user.Email}|})");
                void C(ILogger logger, string apiKey, string userPassword) => logger.LogWarning($"Rejected key {|ET0004:{apiKey}|} and {|ET0004:{userPassword}|}");
                void D(ILogger logger, string ssn, Exception ex) => logger.LogError(ex, $"Lookup failed for {|ET0004:{ssn}|}");
            }
            """);

    [Fact]
    public Task Analyze_StructuredOrHarmlessMessages_StaySilent() =>
        Verify.AnalyzerAsync<SensitiveMessageAnalyzer>("""
            using System;
            using ErrorTelemetry;
            using Microsoft.Extensions.Logging;
            class Accounts
            {
                void A(int orderId) => throw new InvalidOperationException($"Order {orderId} is closed");
                void B(string email) => throw new InvalidOperationException("No account").WithContext("email", email);
                void C(ILogger logger, string email) => logger.LogWarning("No account for {Email}", email);
                void D(ILogger logger, int discardCount, string cardinality) => logger.LogInformation($"Dropped {discardCount} of {cardinality}");
                string E(string email) => $"display {email}";
            }
            """);

    [Fact]
    public Task CodeFix_LogMessage_BecomesAStructuredTemplate() =>
        Verify.CodeFixAsync<SensitiveMessageAnalyzer, SensitiveMessageCodeFix>(
            """
            using Microsoft.Extensions.Logging;
            class Accounts
            {
                void C(ILogger logger, string email, int attempt) => logger.LogWarning($"No account for {|ET0004:{email}|} after {attempt:D2} tries");
            }
            """,
            """
            using Microsoft.Extensions.Logging;
            class Accounts
            {
                void C(ILogger logger, string email, int attempt) => logger.LogWarning("No account for {Email} after {Attempt:D2} tries", email, attempt);
            }
            """);

    [Fact]
    public Task CodeFix_ExceptionMessage_MovesTheValueToWithContext() =>
        Verify.CodeFixAsync<SensitiveMessageAnalyzer, SensitiveMessageCodeFix>(
            """
            using System;
            class Accounts
            {
                void A(string email, int id) => throw new InvalidOperationException($"No account {id} for {|ET0004:{email}|}");
                void B(string token) => throw new InvalidOperationException($"Bad {|ET0004:{token}|}");
            }
            """,
            """
            using System;
            using ErrorTelemetry;

            class Accounts
            {
                void A(string email, int id) => throw new InvalidOperationException($"No account {id} for email").WithContext("email", email);
                void B(string token) => throw new InvalidOperationException("Bad token").WithContext("token", token);
            }
            """);

    [Theory]
    [InlineData("userEmail", true)]
    [InlineData("api_key", true)]
    [InlineData("ApiKey", true)]
    [InlineData("SSN", true)]
    [InlineData("creditCardNumber", true)]
    [InlineData("discardCount", false)]
    [InlineData("cardinality", false)]
    [InlineData("orderId", false)]
    public void IsSensitive_Name_MatchesWholeWordsOnly(string name, bool expected) =>
        Assert.Equal(expected, SensitiveNames.IsSensitive(name));
}
