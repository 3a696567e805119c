using Baton.Values;

namespace Baton.Providers.Sim;

/// <summary>The sim provider's settings, checked at start-up. Every default is in <see cref="SimSchema.Provider"/>.</summary>
internal sealed record SimSettings
{
    public required string WorldPath { get; init; }

    public int? Seed { get; init; }

    public bool FullDurability { get; init; }

    public TimeSpan ReadAfterWriteDelay { get; init; }

    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Reads the settings; each one that is wrong adds a problem naming it to <paramref name="problems"/>, and the result is then not to be used.</summary>
    public static SimSettings From(ProviderConfiguration configuration, List<ProviderSettingProblem> problems)
    {
        var world = Path.Combine(configuration.StateDirectory, "sim-world.db");
        if (configuration.Setting("world") is { } worldValue)
        {
            if (worldValue.Kind != ValueKind.String || worldValue.AsString().Length == 0)
            {
                problems.Add(new ProviderSettingProblem("world", $"expected a file path, got {worldValue}"));
            }
            else
            {
                world = Path.GetFullPath(Path.Combine(configuration.StackDirectory, worldValue.AsString()));
            }
        }

        int? seed = null;
        if (configuration.Setting("seed") is { } seedValue)
        {
            if (seedValue.Kind != ValueKind.Number || !seedValue.IsInteger || seedValue.AsNumber() is < int.MinValue or > int.MaxValue)
            {
                problems.Add(new ProviderSettingProblem("seed", $"expected a whole number, got {seedValue}"));
            }
            else
            {
                seed = (int)seedValue.AsNumber();
            }
        }

        var full = false;
        if (configuration.Setting("durability") is { } durability)
        {
            switch (durability.Kind == ValueKind.String ? durability.AsString() : null)
            {
                case "full":
                    full = true;
                    break;
                case "fast":
                    break;
                default:
                    problems.Add(new ProviderSettingProblem("durability", $"expected \"fast\" or \"full\", got {durability}"));
                    break;
            }
        }

        return new SimSettings
        {
            WorldPath = world,
            Seed = seed,
            FullDurability = full,
            ReadAfterWriteDelay = Duration(configuration, "read_after_write_delay", TimeSpan.Zero, problems),
            RetryAfter = Duration(configuration, "retry_after", TimeSpan.FromSeconds(1), problems),
        };
    }

    private static TimeSpan Duration(ProviderConfiguration configuration, string name, TimeSpan fallback, List<ProviderSettingProblem> problems)
    {
        if (configuration.Setting(name) is not { } value)
        {
            return fallback;
        }

        if (!Baton.Text.Durations.TryParse(value, out var duration, out var error))
        {
            problems.Add(new ProviderSettingProblem(name, error));
            return fallback;
        }

        return duration;
    }
}
