using System.Collections;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ErrorTelemetry.Hosting.Internal;

/// <summary>
/// Checks the whole <c>ErrorTelemetry</c> configuration once, the first time any of our options is created, and
/// reports every problem at once, one line each: misspelt keys (with the closest setting), values of the wrong type
/// (before the binder would stop at the first), and the failures of every options validator of every section.
/// </summary>
/// <remarks>
/// Without it each options type fails on its own when it is first resolved, so fixing one section's problems only
/// revealed the next section's, and a value of the wrong type surfaced as the binder's generic message.
/// </remarks>
internal sealed class ConfigurationCheck
{
    private const string Root = "ErrorTelemetry";

    // Keys read straight from configuration rather than bound to an options property.
    private static readonly string[] UnboundKeys = ["ExportOtlp", "OtlpDiskRetryDirectory"];

    // Section -> the options types bound from it, each property a key (a class-typed property is a sub-section).
    private static readonly Dictionary<string, Type[]> Sections = new(StringComparer.OrdinalIgnoreCase)
    {
        [string.Empty] = [typeof(ErrorTelemetryOptions), typeof(ErrorTelemetryHostOptions)],
        ["Redaction"] = [typeof(RedactionOptions)],
        ["ProblemDetails"] = [typeof(ErrorTelemetryProblemDetailsOptions)],
        ["Health"] = [typeof(ErrorTelemetryHealthOptions)],
        ["Triage"] = [typeof(ErrorTelemetryTriageOptions)],
        ["Correlation"] = [typeof(CorrelationOptions)],
    };

    [ThreadStatic]
    private static bool t_checking;

    private readonly IServiceProvider _services;
    private readonly IConfiguration? _section;
    private readonly Lazy<ConfigurationProblemsException?> _result;

    private ConfigurationCheck(IServiceProvider services, IConfiguration? section)
    {
        _services = services;
        _section = section;
        _result = new Lazy<ConfigurationProblemsException?>(Run);
    }

    /// <summary>Runs the check ahead of every other configuration step of each of our options types.</summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The section our options are bound from, or null for the host's <c>ErrorTelemetry</c> section.</param>
    public static void Register(IServiceCollection services, IConfiguration? section)
    {
        services.TryAddSingleton(sp => new ConfigurationCheck(sp, section ?? sp.GetService<IConfiguration>()?.GetSection(Root)));
        CheckFirst<ErrorTelemetryOptions>(services);
        CheckFirst<ErrorTelemetryHostOptions>(services);
        CheckFirst<RedactionOptions>(services);
        CheckFirst<ErrorTelemetryProblemDetailsOptions>(services);
        CheckFirst<ErrorTelemetryHealthOptions>(services);
        CheckFirst<ErrorTelemetryTriageOptions>(services);
        CheckFirst<CorrelationOptions>(services);
    }

    /// <summary>Throws the problems of the whole configuration, the same exception every time; returns when there are none.</summary>
    /// <exception cref="OptionsValidationException">The configuration has problems; the message lists them one per line.</exception>
    public void ThrowIfInvalid()
    {
        // The check creates each options type itself, which comes back here: those inner calls only configure.
        if (t_checking)
        {
            return;
        }

        if (_result.Value is { } problems)
        {
            throw problems;
        }
    }

    /// <summary>The closest of <paramref name="candidates"/> to a misspelt <paramref name="key"/>, or null when none is close.</summary>
    internal static string? Closest(string key, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(key.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return bestDistance <= Math.Max(2, key.Length / 4) ? best : null;
    }

    private static void CheckFirst<TOptions>(IServiceCollection services)
        where TOptions : class =>
        ProcessorRegistration.MoveToHead(services, static s => s.AddSingleton<IConfigureOptions<TOptions>>(
            static sp => new ConfigureOptions<TOptions>(_ => sp.GetRequiredService<ConfigurationCheck>().ThrowIfInvalid())));

    private ConfigurationProblemsException? Run()
    {
        t_checking = true;
        try
        {
            var problems = new List<string>();
            if (_section is not null)
            {
                ScanSection(_section, string.Empty, problems);
            }

            var typeProblems = problems.Count;
            Create<ErrorTelemetryOptions>(problems, typeProblems);
            Create<ErrorTelemetryHostOptions>(problems, typeProblems);
            Create<RedactionOptions>(problems, typeProblems);
            Create<ErrorTelemetryProblemDetailsOptions>(problems, typeProblems);
            Create<ErrorTelemetryHealthOptions>(problems, typeProblems);
            Create<ErrorTelemetryTriageOptions>(problems, typeProblems);
            Create<CorrelationOptions>(problems, typeProblems);
            return problems.Count == 0 ? null : new ConfigurationProblemsException(problems.Distinct(StringComparer.Ordinal).ToList());
        }
        finally
        {
            t_checking = false;
        }
    }

    private void Create<TOptions>(List<string> problems, int scanProblems)
        where TOptions : class
    {
        try
        {
            // The factory, not the monitor: it configures and validates a fresh instance and caches nothing.
            _services.GetService<IOptionsFactory<TOptions>>()?.Create(Options.DefaultName);
        }
        catch (OptionsValidationException e)
        {
            problems.AddRange(e.Failures);
        }
        catch (InvalidOperationException e) when (scanProblems == 0)
        {
            // A conversion the scan does not know; the binder's own words are better than nothing.
            problems.Add(e.Message);
        }
        catch (InvalidOperationException)
        {
            // The binder stopped at a value the scan has already reported with its key and fix.
        }
    }

    private static void ScanSection(IConfiguration section, string name, List<string> problems)
    {
        var types = Sections[name];
        var known = new Dictionary<string, PropertyInfo?>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in types)
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                known.TryAdd(property.Name, property);
            }
        }

        if (name.Length == 0)
        {
            foreach (var key in UnboundKeys)
            {
                known.TryAdd(key, null);
            }

            foreach (var sub in Sections.Keys)
            {
                if (sub.Length > 0)
                {
                    known[sub] = null;
                }
            }
        }

        foreach (var child in section.GetChildren())
        {
            if (!known.TryGetValue(child.Key, out var property))
            {
                problems.Add(Unknown(child, known.Keys.Order(StringComparer.Ordinal).ToList()));
                continue;
            }

            if (name.Length == 0 && Sections.ContainsKey(child.Key))
            {
                ScanSection(child, child.Key, problems);
            }
            else if (property is not null)
            {
                ScanValue(child, property.PropertyType, problems);
            }
        }
    }

    private static void ScanValue(IConfigurationSection section, Type type, List<string> problems)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (ElementType(type) is { } element)
        {
            foreach (var child in section.GetChildren())
            {
                ScanValue(child, element, problems);
            }

            return;
        }

        if (type.IsClass && type != typeof(string) && type != typeof(Uri))
        {
            foreach (var child in section.GetChildren())
            {
                var property = type.GetProperty(child.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
                if (property is null)
                {
                    problems.Add(Unknown(child, type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).ToList()));
                }
                else
                {
                    ScanValue(child, property.PropertyType, problems);
                }
            }

            return;
        }

        if (section.Value is not { } value || string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        if (WrongType(value, type) is { } expected)
        {
            problems.Add($"{section.Path} '{value}' is not {expected}");
        }
    }

    private static string Unknown(IConfigurationSection key, List<string> settings) =>
        Closest(key.Key, settings) is { } suggestion
            ? $"{key.Path} is not an ErrorTelemetry setting; did you mean {suggestion}?"
            : $"{key.Path} is not an ErrorTelemetry setting; the settings here are {string.Join(", ", settings)}";

    private static string? WrongType(string value, Type type)
    {
        var text = value.Trim();
        if (type == typeof(int))
        {
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? null : "a whole number; write digits only, e.g. 500";
        }

        if (type == typeof(double))
        {
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? null : "a number; write e.g. 0.5";
        }

        if (type == typeof(bool))
        {
            return bool.TryParse(text, out _) ? null : "a boolean; write true or false";
        }

        if (type == typeof(TimeSpan))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out _) ? null : "a time span; write [d.]hh:mm:ss, e.g. 00:15:00 for fifteen minutes";
        }

        if (type.IsEnum)
        {
            return Enum.TryParse(type, text, ignoreCase: true, out _) ? null : $"one of {string.Join(", ", Enum.GetNames(type))}";
        }

        return null;
    }

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        foreach (var candidate in (Type[])[type, .. type.GetInterfaces()])
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IDictionary<,>))
            {
                return candidate.GetGenericArguments()[1];
            }
        }

        foreach (var candidate in (Type[])[type, .. type.GetInterfaces()])
        {
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            {
                return candidate.GetGenericArguments()[0];
            }
        }

        return null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    /// <summary>Every configuration problem of ErrorTelemetry, one per line.</summary>
    private sealed class ConfigurationProblemsException(IReadOnlyList<string> problems)
        : OptionsValidationException(Options.DefaultName, typeof(ErrorTelemetryOptions), problems)
    {
        public override string Message =>
            $"The ErrorTelemetry configuration has {Failures.Count()} problem{(Failures.Count() == 1 ? string.Empty : "s")}; fix each and restart:{Environment.NewLine}"
            + string.Join(Environment.NewLine, Failures);
    }
}
