using System.Diagnostics;
using ErrorTelemetry.Correlation.Internal;
using ErrorTelemetry.Tests.TestSupport;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace ErrorTelemetry.Tests.Correlation;

public sealed class CorrelationProcessorsTests : IDisposable
{
    private readonly ActivitySource _source = new("Correlation.Tests." + Guid.NewGuid().ToString("N"));
    private readonly InMemoryExporter<Activity, SpanSnapshot> _spans = new(SpanSnapshot.From);
    private readonly TracerProvider _tracing;

    public CorrelationProcessorsTests()
    {
        // The exporter comes first: the attribute set at span start must reach it anyway.
        _tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(_source.Name)
            .AddProcessor(new SimpleActivityExportProcessor(_spans))
            .AddProcessor(new CorrelationSpanProcessor())
            .Build();
    }

    [Fact]
    public void OnStart_BaggageOnAnAncestor_EverySpanCarriesTheAttribute()
    {
        using (var parent = _source.StartActivity("request"))
        {
            parent!.SetBaggage("correlation.id", "order-1");
            using var child = _source.StartActivity("db query");
            using var grandchild = _source.StartActivity("serialize");
        }

        Assert.Equal(3, _spans.Items.Count);
        Assert.All(_spans.Items.Where(s => s.Name != "request"), s => Assert.Equal("order-1", s.Tag("correlation.id")));
    }

    [Fact]
    public void OnEnd_BaggageSetAfterStart_AttributeAddedForExportersAfterIt()
    {
        // AddErrorTelemetry puts the processor at the head, ahead of every exporter.
        using var source = new ActivitySource("Correlation.Late." + Guid.NewGuid().ToString("N"));
        var spans = new InMemoryExporter<Activity, SpanSnapshot>(SpanSnapshot.From);
        using (Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .AddProcessor(new CorrelationSpanProcessor())
            .AddProcessor(new SimpleActivityExportProcessor(spans))
            .Build())
        {
            using var span = source.StartActivity("consume");
            span!.SetBaggage("correlation.id", "late-1");
        }

        Assert.Equal("late-1", Assert.Single(spans.Items).Tag("correlation.id"));
    }

    [Fact]
    public void OnEnd_AmbientBaggageSetAfterStart_AttributeAdded()
    {
        using var source = new ActivitySource("Correlation.Ambient." + Guid.NewGuid().ToString("N"));
        var spans = new InMemoryExporter<Activity, SpanSnapshot>(SpanSnapshot.From);
        using (Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .AddProcessor(new CorrelationSpanProcessor())
            .AddProcessor(new SimpleActivityExportProcessor(spans))
            .Build())
        {
            using (source.StartActivity("plain"))
            {
            }

            var previous = Baggage.Current;
            try
            {
                using var span = source.StartActivity("consume");
                Baggage.SetBaggage("correlation.id", "ambient-7");
            }
            finally
            {
                Baggage.Current = previous;
            }
        }

        Assert.Null(spans.Items.Single(s => s.Name == "plain").Tag("correlation.id"));
        Assert.Equal("ambient-7", spans.Items.Single(s => s.Name == "consume").Tag("correlation.id"));
    }

    [Fact]
    public void OnEnd_AttributeSetByTheApplication_Kept()
    {
        using (var parent = _source.StartActivity("request"))
        {
            parent!.SetBaggage("correlation.id", "order-1");
            using var child = _source.StartActivity("child");
            child!.SetTag("correlation.id", "custom-1");
        }

        Assert.Equal("custom-1", _spans.Items.Single(s => s.Name == "child").Tag("correlation.id"));
    }

    [Theory]
    [InlineData("bad\r\nvalue")]
    [InlineData("")]
    public void OnStart_MalformedBaggage_NoAttribute(string hostile)
    {
        using (var parent = _source.StartActivity("request"))
        {
            parent!.SetBaggage("correlation.id", hostile);
            using var child = _source.StartActivity("child");
        }

        Assert.All(_spans.Items, s => Assert.Null(s.Tag("correlation.id")));
    }

    [Fact]
    public void OnStartOnEnd_SpanWithoutBaggage_AllocateNothing()
    {
        var processor = new CorrelationSpanProcessor();
        using var activity = new Activity("plain").Start();
        processor.OnStart(activity);
        processor.OnEnd(activity);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            processor.OnStart(activity);
            processor.OnEnd(activity);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Null(activity.GetTagItem("correlation.id"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OnEnd_LogInsideCorrelatedSpan_CorrelationIdExportedExactlyOnce(bool includeScopes)
    {
        var exported = new List<(Dictionary<string, object?> Attributes, List<KeyValuePair<string, object?>> Scopes)>();
        var exporter = new InMemoryExporter<LogRecord, int>(r =>
        {
            var scopes = new List<KeyValuePair<string, object?>>();
            r.ForEachScope(
                (scope, list) =>
                {
                    foreach (var item in scope)
                    {
                        list.Add(item);
                    }
                },
                scopes);
            exported.Add((LogSnapshot.From(r).Attributes, scopes));
            return 0;
        });
        using (var factory = LoggerFactory.Create(b => b.AddOpenTelemetry(o =>
        {
            o.IncludeScopes = includeScopes;
            o.AddProcessor(new CorrelationLogProcessor());
            o.AddProcessor(new SimpleLogRecordExportProcessor(exporter));
        })))
        {
            var logger = factory.CreateLogger("Orders");
            using var span = new Activity("request").Start();
            span.SetBaggage("correlation.id", "order-9");
            using (logger.BeginScope(new CorrelationScope("order-9")))
            {
                logger.LogInformation("Placed order {OrderId}", 17);
            }

            logger.LogInformation("Outside the scope, inside the span");
        }

        var (attributes, scopes) = exported[0];
        var fromAttributes = attributes.ContainsKey("correlation.id") ? 1 : 0;
        var fromScopes = scopes.Count(s => s.Key == "correlation.id");
        Assert.Equal(1, fromAttributes + fromScopes);
        Assert.Equal(includeScopes ? 1 : 0, fromScopes);
        Assert.Equal(17, attributes["OrderId"]);
        Assert.Equal("order-9", exported[1].Attributes["correlation.id"]);
    }

    [Fact]
    public void OnEnd_LogWithoutCorrelation_AttributesUntouched()
    {
        LogSnapshot? seen = null;
        var exporter = new InMemoryExporter<LogRecord, int>(r =>
        {
            seen = LogSnapshot.From(r);
            return 0;
        });
        using (var factory = LoggerFactory.Create(b => b.AddOpenTelemetry(o =>
        {
            o.AddProcessor(new CorrelationLogProcessor());
            o.AddProcessor(new SimpleLogRecordExportProcessor(exporter));
        })))
        {
            factory.CreateLogger("Jobs").LogInformation("Tick {N}", 1);
        }

        Assert.NotNull(seen);
        Assert.False(seen.Attributes.ContainsKey("correlation.id"));
    }

    public void Dispose()
    {
        _tracing.Dispose();
        _source.Dispose();
    }
}
