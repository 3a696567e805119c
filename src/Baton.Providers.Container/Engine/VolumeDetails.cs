namespace Baton.Providers.Container.Engine;

/// <summary>A volume as the engine creates, inspects or lists it.</summary>
internal sealed record VolumeDetails
{
    public required string Name { get; init; }

    public required string Driver { get; init; }

    /// <summary>Where its data lives on the engine's host.</summary>
    public required string Mountpoint { get; init; }

    public required IReadOnlyDictionary<string, string> Labels { get; init; }
}
