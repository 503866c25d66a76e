namespace ErrorTelemetry.Tests.Configuration;

public class ErrorTelemetryOptionsTests
{
    private static readonly ErrorDefinition Local = new("LOCAL_CODE", ErrorCategory.Internal, "Local.");

    [Fact]
    public void AddDefinition_NamesTheRegistrationAfterTheArgumentExpression()
    {
        var options = new ErrorTelemetryOptions()
            .AddDefinition(Local)
            .AddDefinition(new ErrorDefinition("INLINE_CODE", ErrorCategory.Internal, "Inline."));

        Assert.Equal(["Local", "ErrorTelemetryOptions.AddDefinition(INLINE_CODE)"], options.Registrations.Select(r => r.Source));
    }

    [Fact]
    public void AddDefinitions_RegistersPublicStaticFieldsAndPropertiesOnly()
    {
        var options = new ErrorTelemetryOptions().AddDefinitions(typeof(MixedErrors));

        Assert.Equal(["MixedErrors.Field", "MixedErrors.Property"], options.Registrations.Select(r => r.Source));
        Assert.Equal(["FIELD_CODE", "PROPERTY_CODE"], options.CodeDefinitions.Select(d => d.Code));
    }

    [Fact]
    public void Map_WithDefinition_RegistersTheDefinition()
    {
        var options = new ErrorTelemetryOptions().Map<TimeoutException>(Local, e => e.Message.Length > 0);

        var registration = Assert.Single(options.Registrations);
        Assert.Same(Local, registration.Definition);
        Assert.Equal("ErrorTelemetryOptions.Map<TimeoutException>(\"LOCAL_CODE\", when)", registration.Source);
        Assert.Equal(typeof(TimeoutException), Assert.Single(options.MappingRules).ExceptionType);
    }

    [Fact]
    public void RegistrationMethods_NullOrEmptyArguments_Throw()
    {
        var options = new ErrorTelemetryOptions();

        Assert.Throws<ArgumentNullException>(() => options.AddDefinition(null!));
        Assert.Throws<ArgumentNullException>(() => options.AddDefinitions(null!));
        Assert.Throws<ArgumentException>(() => options.Map<TimeoutException>(" "));
        Assert.Throws<ArgumentNullException>(() => options.Map<TimeoutException>((ErrorDefinition)null!));
    }

    internal static class MixedErrors
    {
        public static readonly ErrorDefinition Field = new("FIELD_CODE", ErrorCategory.Internal, "Field.");

        public static readonly string NotADefinition = "ignored";

        public static ErrorDefinition Property { get; } = new("PROPERTY_CODE", ErrorCategory.Internal, "Property.");

        public static ErrorDefinition? Missing => null;

        internal static readonly ErrorDefinition Hidden = new("HIDDEN_CODE", ErrorCategory.Internal, "Hidden.");
    }
}
