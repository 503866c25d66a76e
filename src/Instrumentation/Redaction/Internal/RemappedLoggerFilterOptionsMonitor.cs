using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Redaction.Internal;

/// <summary>
/// Gives decorated logging providers the filter rules written for the providers they wrap
/// (<c>Logging:Console:LogLevel:Default</c>, <c>AddFilter&lt;ConsoleLoggerProvider&gt;(…)</c>): every rule naming a
/// wrapped provider, by type name or alias, is followed by a copy naming its decorator.
/// </summary>
internal sealed class RemappedLoggerFilterOptionsMonitor : IOptionsMonitor<LoggerFilterOptions>
{
    private readonly IOptionsMonitor<LoggerFilterOptions> _inner;
    private readonly (string InnerName, string? InnerAlias, string DecoratorName)[] _map;
    private Remapped? _last;

    public RemappedLoggerFilterOptionsMonitor(IOptionsMonitor<LoggerFilterOptions> inner, IEnumerable<(Type Inner, Type Decorator)> decorations)
    {
        _inner = inner;
        var map = new List<(string, string?, string)>();
        foreach (var (innerType, decoratorType) in decorations)
        {
            var entry = (innerType.FullName!, innerType.GetCustomAttribute<ProviderAliasAttribute>(inherit: false)?.Alias, decoratorType.FullName!);
            if (!map.Contains(entry))
            {
                map.Add(entry);
            }
        }

        _map = [.. map];
    }

    public LoggerFilterOptions CurrentValue => Remap(_inner.CurrentValue);

    public LoggerFilterOptions Get(string? name) => Remap(_inner.Get(name));

    public IDisposable? OnChange(Action<LoggerFilterOptions, string?> listener) =>
        _inner.OnChange((options, name) => listener(Remap(options), name));

    private LoggerFilterOptions Remap(LoggerFilterOptions source)
    {
        var last = Volatile.Read(ref _last);
        if (last is not null && ReferenceEquals(last.Source, source))
        {
            return last.Result;
        }

        var result = new LoggerFilterOptions { MinLevel = source.MinLevel, CaptureScopes = source.CaptureScopes };
        foreach (var rule in source.Rules)
        {
            result.Rules.Add(rule);
            if (rule.ProviderName is null)
            {
                continue;
            }

            foreach (var (innerName, innerAlias, decoratorName) in _map)
            {
                if (rule.ProviderName == innerName || (innerAlias is not null && rule.ProviderName == innerAlias))
                {
                    var filter = rule.Filter;
                    result.Rules.Add(new LoggerFilterRule(
                        decoratorName,
                        rule.CategoryName,
                        rule.LogLevel,
                        filter is null ? null : (_, category, level) => filter(innerName, category, level)));
                }
            }
        }

        Volatile.Write(ref _last, new Remapped(source, result));
        return result;
    }

    // One object, so readers on other threads never see a source paired with another source's result.
    private sealed record Remapped(LoggerFilterOptions Source, LoggerFilterOptions Result);
}
