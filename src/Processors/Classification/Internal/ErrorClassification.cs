namespace ErrorTelemetry.Classification.Internal;

/// <summary>What a failure is: its definition and the exception in the chain that decided it.</summary>
/// <param name="Definition">The catalogued error.</param>
/// <param name="Matched">The exception (the thrown one or one of its inner exceptions) that the deciding rule matched.</param>
/// <param name="CauseCode">The code of a downstream or inner catalogued cause, when it differs from <paramref name="Definition"/>.</param>
internal readonly record struct ErrorClassification(ErrorDefinition Definition, Exception? Matched, string? CauseCode);
