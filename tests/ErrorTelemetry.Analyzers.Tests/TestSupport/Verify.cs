using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace ErrorTelemetry.Analyzers.Tests.TestSupport;

/// <summary>
/// Runs an analyzer, or an analyzer and its code fix, over C# sources compiled against the running .NET and the real
/// ErrorTelemetry.Processors and logging assemblies; the fixed code is compiled too, and any compiler error fails.
/// </summary>
internal static class Verify
{
    /// <summary>Every assembly the test host runs with: the .NET libraries, ErrorTelemetry.Processors, logging.</summary>
    private static readonly ImmutableArray<MetadataReference> References =
    [
        .. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is var name
                && (name.StartsWith("System.", StringComparison.Ordinal)
                    || name is "netstandard.dll" or "mscorlib.dll" or "ErrorTelemetry.Processors.dll"
                    || name.StartsWith("Microsoft.Extensions.Logging.Abstractions", StringComparison.Ordinal)
                    || name.StartsWith("Microsoft.Extensions.DependencyInjection.Abstractions", StringComparison.Ordinal)))
            .Select(p => MetadataReference.CreateFromFile(p)),
    ];

    /// <summary>Reports what the analyzer finds in <paramref name="source"/>, checked against its <c>{|ET0001:…|}</c> markup.</summary>
    public static Task AnalyzerAsync<TAnalyzer>(string source, params (string Path, string Text)[] additionalFiles)
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        var test = new CSharpAnalyzerTest<TAnalyzer, DefaultVerifier> { TestCode = source };
        Configure(test.TestState, additionalFiles);
        return Prepare(test).RunAsync();
    }

    /// <summary>Runs every analyzer of the package over <paramref name="source"/>, checked against its markup.</summary>
    public static Task AllAnalyzersAsync(string source)
    {
        var test = new AllAnalyzersTest { TestCode = source };
        return Prepare(test).RunAsync();
    }

    /// <summary>Applies the fix (the <paramref name="actionIndex"/>th offered) and compares with <paramref name="fixedSource"/>, which must compile.</summary>
    public static Task CodeFixAsync<TAnalyzer, TCodeFix>(string source, string fixedSource, int actionIndex = 0, params (string Path, string Text)[] additionalFiles)
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TCodeFix : CodeFixProvider, new()
    {
        var test = new CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionIndex = actionIndex,
        };
        Configure(test.TestState, additionalFiles);
        Configure(test.FixedState, additionalFiles);
        return Prepare(test).RunAsync();
    }

    private static void Configure(SolutionState state, (string Path, string Text)[] additionalFiles)
    {
        foreach (var file in additionalFiles)
        {
            state.AdditionalFiles.Add(file);
        }
    }

    private static AnalyzerTest<DefaultVerifier> Prepare(AnalyzerTest<DefaultVerifier> test)
    {
        // No reference-assembly package to download: the sources compile against what this test host runs on.
        test.ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        test.TestState.AdditionalReferences.AddRange(References);
        test.TestState.OutputKind = OutputKind.DynamicallyLinkedLibrary;
        return test;
    }

    private sealed class AllAnalyzersTest : CSharpAnalyzerTest<ErrorTelemetry.Analyzers.Raising.UnclassifiableThrowAnalyzer, DefaultVerifier>
    {
        protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() =>
            typeof(Rules).Assembly.GetTypes()
                .Where(t => typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && !t.IsAbstract)
                .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!);
    }
}
