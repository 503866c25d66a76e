using ErrorTelemetry.Analyzers.Raising;
using ErrorTelemetry.Analyzers.Tests.TestSupport;

namespace ErrorTelemetry.Analyzers.Tests.Raising;

public sealed class UnclassifiableThrowAnalyzerTests
{
    private const string Errors = """

        public static class ShopErrors
        {
            public static readonly ErrorTelemetry.ErrorDefinition OrderNotFound = new("ORDER_NOT_FOUND", ErrorTelemetry.ErrorCategory.NotFound, "The order does not exist.");
            public static readonly ErrorTelemetry.ErrorDefinition PaymentDeclined = new("PAYMENT_DECLINED", ErrorTelemetry.ErrorCategory.BusinessRule, "The payment was declined.");
        }
        """;

    [Theory]
    [InlineData("Exception")]
    [InlineData("System.ApplicationException")]
    [InlineData("SystemException")]
    public Task Analyze_ThrowOfAVanillaException_Reports(string type) =>
        Verify.AnalyzerAsync<UnclassifiableThrowAnalyzer>($$"""
            using System;
            class Orders
            {
                void Find(int id) => throw {|ET0001:new {{type}}("no order")|};
                void Load() { throw {|ET0001:new {{type}}()|}; }
            }
            """);

    [Fact]
    public Task Analyze_SpecificAndCodedExceptions_StaySilent() =>
        Verify.AnalyzerAsync<UnclassifiableThrowAnalyzer>("""
            using System;
            using ErrorTelemetry;
            class Orders
            {
                void Find(int id) => throw ShopErrors.OrderNotFound.ToException();
                void Check(string s) { if (s is null) { throw new ArgumentNullException(nameof(s)); } }
                void Fail() { throw new TimeoutException("slow"); }
                void Wrap(Exception inner) { throw new CodedException(ShopErrors.OrderNotFound, innerException: inner); }
                Exception Build() => new Exception("built, not thrown");
            }
            """ + Errors);

    [Fact]
    public Task CodeFix_FirstDefinition_ThrowsItsExceptionKeepingMessageAndCause() =>
        Verify.CodeFixAsync<UnclassifiableThrowAnalyzer, UnclassifiableThrowCodeFix>(
            """
            using System;
            class Orders
            {
                void Find(Exception cause) { throw {|ET0001:new Exception("no order", cause)|}; }
            }
            """ + Errors,
            """
            using System;
            using ErrorTelemetry;

            class Orders
            {
                void Find(Exception cause) { throw ShopErrors.OrderNotFound.ToException("no order", cause); }
            }
            """ + Errors);

    [Fact]
    public Task CodeFix_SecondDefinition_IsOfferedToo() =>
        Verify.CodeFixAsync<UnclassifiableThrowAnalyzer, UnclassifiableThrowCodeFix>(
            """
            using ErrorTelemetry;
            class Payments
            {
                void Pay() => throw {|ET0001:new System.ApplicationException()|};
            }
            """ + Errors,
            """
            using ErrorTelemetry;
            class Payments
            {
                void Pay() => throw ShopErrors.PaymentDeclined.ToException();
            }
            """ + Errors,
            actionIndex: 1);
}
