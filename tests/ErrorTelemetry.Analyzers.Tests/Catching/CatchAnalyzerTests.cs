using ErrorTelemetry.Analyzers.Catching;
using ErrorTelemetry.Analyzers.Tests.TestSupport;

namespace ErrorTelemetry.Analyzers.Tests.Catching;

public sealed class CatchAnalyzerTests
{
    [Fact]
    public Task Analyze_BroadCatchThatSwallows_Reports() =>
        Verify.AnalyzerAsync<CatchAnalyzer>("""
            using System;
            class Worker
            {
                void A() { try { Run(); } {|ET0002:catch|} (Exception) { } }
                void B() { try { Run(); } {|ET0002:catch|} { Console.WriteLine("failed"); } }
                void C() { try { Run(); } {|ET0002:catch|} (Exception ex) { Console.WriteLine(ex.Message); } }
                void D() { try { Run(); } {|ET0002:catch|} (Exception ex) { Action later = () => throw ex; } }
                void Run() { }
            }
            """);

    [Fact]
    public Task Analyze_BroadCatchThatRethrowsRecordsOrCodes_StaysSilent() =>
        Verify.AnalyzerAsync<CatchAnalyzer>("""
            using System;
            using System.Diagnostics;
            using ErrorTelemetry;
            using Microsoft.Extensions.Logging;
            class Worker
            {
                static readonly ErrorDefinition Failed = new("WORK_FAILED", ErrorCategory.Internal, "The work failed.");
                void A() { try { Run(); } catch (Exception) { throw; } }
                void B() { try { Run(); } catch { Cleanup(); throw; } }
                void C(ILogger logger) { try { Run(); } catch (Exception ex) { logger.LogError(ex, "Run failed"); } }
                void D(Activity activity) { try { Run(); } catch (Exception ex) { activity.AddException(ex); } }
                void E() { try { Run(); } catch (Exception ex) { throw ex.WithContext("step", 2); } }
                ErrorDefinition? F() { try { Run(); return null; } catch (Exception) { return Failed; } }
                void G() { try { Run(); } catch (Exception ex) when (ex is TimeoutException) { } }
                void H() { try { Run(); } catch (InvalidOperationException) { } }
                void Run() { }
                void Cleanup() { }
            }
            """);

    [Fact]
    public Task Analyze_CancellationSwallowed_Reports() =>
        Verify.AnalyzerAsync<CatchAnalyzer>("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            class Worker
            {
                async Task A(CancellationToken token) { try { await Task.Delay(10, token); } {|ET0003:catch|} (OperationCanceledException) { } }
                async Task B(CancellationToken token) { try { await Task.Delay(10, token); } {|ET0003:catch|} (TaskCanceledException e) { Console.WriteLine(e.Message); } }
            }
            """);

    [Fact]
    public Task Analyze_CancellationThatEndsTheWork_StaysSilent() =>
        Verify.AnalyzerAsync<CatchAnalyzer>("""
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            class Worker
            {
                async Task A(CancellationToken token) { try { await Task.Delay(10, token); } catch (OperationCanceledException) { throw; } }
                async Task B(CancellationToken token) { try { await Task.Delay(10, token); } catch (OperationCanceledException) { return; } }
                async Task C(CancellationToken token) { while (true) { try { await Task.Delay(10, token); } catch (TaskCanceledException) { break; } } }
                async Task D(CancellationToken token) { try { await Task.Delay(10, token); } catch (OperationCanceledException) when (token.IsCancellationRequested) { } }
            }
            """);

    [Fact]
    public Task CodeFix_SwallowingBroadCatch_Rethrows() =>
        Verify.CodeFixAsync<CatchAnalyzer, RethrowCodeFix>(
            """
            using System;
            class Worker
            {
                void A()
                {
                    try { Run(); }
                    {|ET0002:catch|} (Exception)
                    {
                        Console.WriteLine("failed");
                    }
                }

                void Run() { }
            }
            """,
            """
            using System;
            class Worker
            {
                void A()
                {
                    try { Run(); }
                    catch (Exception)
                    {
                        Console.WriteLine("failed");
                        throw;
                    }
                }

                void Run() { }
            }
            """);

    [Fact]
    public Task CodeFix_SwallowedCancellation_Rethrows() =>
        Verify.CodeFixAsync<CatchAnalyzer, RethrowCodeFix>(
            """
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            class Worker
            {
                async Task A(CancellationToken token)
                {
                    try
                    {
                        await Task.Delay(10, token);
                    }
                    {|ET0003:catch|} (OperationCanceledException)
                    {
                    }
                }
            }
            """,
            """
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            class Worker
            {
                async Task A(CancellationToken token)
                {
                    try
                    {
                        await Task.Delay(10, token);
                    }
                    catch (OperationCanceledException)
                    {
                        throw;
                    }
                }
            }
            """);
}
