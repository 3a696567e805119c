namespace Baton.Providers.Container.Engine;

/// <summary>A network as the engine inspects or lists it.</summary>
internal sealed record NetworkDetails
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string Driver { get; init; }

    public required bool Internal { get; init; }

    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    public required IReadOnlyList<NetworkSubnet> Subnets { get; init; }
}
