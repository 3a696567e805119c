using System.Diagnostics.CodeAnalysis;
using Baton.Values;

namespace Baton.Providers.Sim;

/// <summary>The behaviour a resource or action asks of the simulated cloud: how long calls take and how they fail.</summary>
internal sealed record SimKnobs(TimeSpan MinLatency, TimeSpan MaxLatency, double FailRate, double ThrottleRate, bool FailPermanently)
{
    public static SimKnobs None { get; } = new(TimeSpan.Zero, TimeSpan.Zero, 0, 0, false);

    /// <summary>Reads the knobs from a map of attributes; unknown values count as their defaults (validation reports them).</summary>
    public static bool TryRead(Value? attributes, [NotNullWhen(true)] out SimKnobs? knobs, out List<string> errors)
    {
        errors = [];
        knobs = null;
        if (attributes is null || attributes.Kind != ValueKind.Map)
        {
            knobs = None;
            return true;
        }

        var map = attributes.AsMap();
        var min = TimeSpan.Zero;
        var max = TimeSpan.Zero;
        if (map.TryGetValue("latency", out var latency) && latency.IsWhollyKnown)
        {
            ReadLatency(latency.WithoutSensitivity(), ref min, ref max, errors);
        }

        var failRate = Rate(map, "fail_rate", errors);
        var throttleRate = Rate(map, "throttle_rate", errors);
        var failPermanently = Flag(map, "fail_permanently", errors);
        Flag(map, "input_forces_replace", errors);
        if (errors.Count > 0)
        {
            return false;
        }

        knobs = min == TimeSpan.Zero && max == TimeSpan.Zero && failRate == 0 && throttleRate == 0 && !failPermanently
            ? None
            : new SimKnobs(min, max, failRate, throttleRate, failPermanently);
        return true;
    }

    private static void ReadLatency(Value latency, ref TimeSpan min, ref TimeSpan max, List<string> errors)
    {
        if (latency.Kind == ValueKind.Map)
        {
            var range = latency.AsMap();
            foreach (var key in range.Keys)
            {
                if (key is not ("min" or "max"))
                {
                    errors.Add($"latency: unknown key \"{key}\"; a latency range has min and max");
                }
            }

            if (!range.TryGetValue("min", out var low) || !range.TryGetValue("max", out var high))
            {
                errors.Add("latency: a latency range needs both min and max");
                return;
            }

            if (!Baton.Text.Durations.TryParse(low, out min, out var lowError))
            {
                errors.Add($"latency.min: {lowError}");
            }

            if (!Baton.Text.Durations.TryParse(high, out max, out var highError))
            {
                errors.Add($"latency.max: {highError}");
            }

            if (max < min)
            {
                errors.Add("latency: max is less than min");
            }

            return;
        }

        if (Baton.Text.Durations.TryParse(latency, out var fixedLatency, out var error))
        {
            min = max = fixedLatency;
        }
        else
        {
            errors.Add($"latency: {error}");
        }
    }

    private static double Rate(System.Collections.Immutable.ImmutableSortedDictionary<string, Value> map, string name, List<string> errors)
    {
        if (!map.TryGetValue(name, out var value) || value.Kind is ValueKind.Null or ValueKind.Unknown)
        {
            return 0;
        }

        if (value.Kind == ValueKind.Number && value.AsNumber() is >= 0 and <= 1)
        {
            return value.AsNumber();
        }

        errors.Add($"{name}: expected a number from 0 to 1, got {value}");
        return 0;
    }

    private static bool Flag(System.Collections.Immutable.ImmutableSortedDictionary<string, Value> map, string name, List<string> errors)
    {
        if (!map.TryGetValue(name, out var value) || value.Kind is ValueKind.Null or ValueKind.Unknown)
        {
            return false;
        }

        if (value.Kind == ValueKind.Bool)
        {
            return value.AsBool();
        }

        errors.Add($"{name}: expected true or false, got {value}");
        return false;
    }
}
