using System.Globalization;

namespace Baton.Bench;

/// <summary>
/// <c>--name value</c> options after the subcommand. Deliberately tiny: benchmarks take a handful of numbers,
/// and a parsing library would only add start-up time to every measured process.
/// </summary>
internal sealed class BenchmarkArguments
{
    private readonly Dictionary<string, string> _values;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private BenchmarkArguments(Dictionary<string, string> values)
    {
        _values = values;
    }

    public static BenchmarkArguments Parse(ReadOnlySpan<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new ArgumentException($"Expected an option like --nodes, got '{arg}'.");
            }

            var name = arg[2..];
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                values[name[..equals]] = name[(equals + 1)..];
            }
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                values[name] = args[++i];
            }
            else
            {
                values[name] = "true";
            }
        }

        return new BenchmarkArguments(values);
    }

    public int Int(string name, int defaultValue, int min)
    {
        _read.Add(name);
        if (!_values.TryGetValue(name, out var text))
        {
            return defaultValue;
        }

        var value = int.Parse(text.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture);
        if (value < min)
        {
            throw new ArgumentException($"--{name} must be at least {min}.");
        }

        return value;
    }

    public string Text(string name, string defaultValue, params string[] allowed)
    {
        _read.Add(name);
        var value = _values.GetValueOrDefault(name, defaultValue);
        if (allowed.Length > 0 && Array.IndexOf(allowed, value) < 0)
        {
            throw new ArgumentException($"--{name} must be one of: {string.Join(", ", allowed)}.");
        }

        return value;
    }

    /// <summary>Fails on options no command asked for, so a typo does not silently run the default benchmark.</summary>
    public void RejectUnknown()
    {
        foreach (var name in _values.Keys)
        {
            if (!_read.Contains(name))
            {
                throw new ArgumentException($"Unknown option --{name}.");
            }
        }
    }
}
