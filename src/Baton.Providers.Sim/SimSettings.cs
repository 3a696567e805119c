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

    /// <summary>Reads the settings; throws <see cref="ProviderConfigurationException"/> naming the setting that is wrong.</summary>
    public static SimSettings From(ProviderConfiguration configuration)
    {
        var instance = configuration.InstanceName;
        var world = Path.Combine(configuration.StateDirectory, "sim-world.db");
        if (configuration.Setting("world") is { } worldValue)
        {
            if (worldValue.Kind != ValueKind.String || worldValue.AsString().Length == 0)
            {
                throw new ProviderConfigurationException(instance, "world", $"expected a file path, got {worldValue}");
            }

            world = Path.GetFullPath(Path.Combine(configuration.StackDirectory, worldValue.AsString()));
        }

        int? seed = null;
        if (configuration.Setting("seed") is { } seedValue)
        {
            if (seedValue.Kind != ValueKind.Number || !seedValue.IsInteger || seedValue.AsNumber() is < int.MinValue or > int.MaxValue)
            {
                throw new ProviderConfigurationException(instance, "seed", $"expected a whole number, got {seedValue}");
            }

            seed = (int)seedValue.AsNumber();
        }

        var full = false;
        if (configuration.Setting("durability") is { } durability)
        {
            full = durability.Kind == ValueKind.String ? durability.AsString() switch
            {
                "full" => true,
                "fast" => false,
                _ => throw new ProviderConfigurationException(instance, "durability", $"expected \"fast\" or \"full\", got {durability}"),
            }
            : throw new ProviderConfigurationException(instance, "durability", $"expected \"fast\" or \"full\", got {durability}");
        }

        return new SimSettings
        {
            WorldPath = world,
            Seed = seed,
            FullDurability = full,
            ReadAfterWriteDelay = Duration(configuration, "read_after_write_delay", TimeSpan.Zero),
            RetryAfter = Duration(configuration, "retry_after", TimeSpan.FromSeconds(1)),
        };
    }

    private static TimeSpan Duration(ProviderConfiguration configuration, string name, TimeSpan fallback)
    {
        if (configuration.Setting(name) is not { } value)
        {
            return fallback;
        }

        return Baton.Text.Durations.TryParse(value, out var duration, out var error)
            ? duration
            : throw new ProviderConfigurationException(configuration.InstanceName, name, error);
    }
}
