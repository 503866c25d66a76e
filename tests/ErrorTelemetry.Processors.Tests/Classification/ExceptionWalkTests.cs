using System.Reflection;
using ErrorTelemetry.Classification.Internal;

namespace ErrorTelemetry.Tests.Classification;

public class ExceptionWalkTests
{
    [Fact]
    public void MoveNext_NestedChains_VisitsDepthFirstOuterBeforeInnerInOrder()
    {
        var a1 = new InvalidOperationException("a1");
        var a = new InvalidOperationException("a", a1);
        var b = new InvalidOperationException("b");
        var root = new AggregateException("root", a, b);

        Assert.Equal(["root", "a", "a1", "b"], Visit(root).Select(v => v.Exception.Message.Split(' ')[0]));
        Assert.Equal([0, 1, 2, 1], Visit(root).Select(v => v.Depth));
    }

    [Fact]
    public void MoveNext_SameExceptionTwice_VisitsItOnce()
    {
        var shared = new TimeoutException();
        var root = new AggregateException(shared, new InvalidOperationException("x", shared), shared);

        Assert.Equal(3, Visit(root).Count);
    }

    [Fact]
    public void MoveNext_Cycle_Terminates()
    {
        var a = new InvalidOperationException("a");
        var b = new InvalidOperationException("b", a);
        typeof(Exception).GetField("_innerException", BindingFlags.NonPublic | BindingFlags.Instance)!.SetValue(a, b);

        Assert.Equal([a, b], Visit(a).Select(v => v.Exception));
    }

    [Fact]
    public void MoveNext_DeepChain_StopsAtMaxDepth()
    {
        Exception e = new TimeoutException();
        for (var i = 0; i < 50; i++)
        {
            e = new InvalidOperationException(null, e);
        }

        Assert.Equal(ExceptionWalk.MaxDepth, Visit(e).Count);
    }

    [Fact]
    public void MoveNext_WideAggregate_StopsAtMaxExceptions()
    {
        var root = new AggregateException(Enumerable.Range(0, 100).Select(i => new InvalidOperationException(i.ToString(System.Globalization.CultureInfo.InvariantCulture))));

        var visited = Visit(root);

        Assert.Equal(ExceptionWalk.MaxExceptions, visited.Count);
        Assert.Equal("0", visited[1].Exception.Message);
    }

    private static List<(Exception Exception, int Depth)> Visit(Exception root)
    {
        var visited = new List<(Exception, int)>();
        var walk = new ExceptionWalk(root);
        while (walk.MoveNext(out var current, out var depth))
        {
            visited.Add((current, depth));
        }

        return visited;
    }
}
