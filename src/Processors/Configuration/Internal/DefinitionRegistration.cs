namespace ErrorTelemetry.Configuration.Internal;

/// <summary>A definition registered in code, with how start-up errors name it (e.g. <c>MyErrors.OrderNotFound</c>).</summary>
internal readonly record struct DefinitionRegistration(ErrorDefinition Definition, string Source);
