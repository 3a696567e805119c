namespace Baton.Providers.Container.Engine;

/// <summary>A container as the engine inspects it (<c>GET /containers/{id}/json</c>).</summary>
internal sealed record ContainerDetails
{
    public required string Id { get; init; }

    /// <summary>The name without the leading slash the API puts before it.</summary>
    public required string Name { get; init; }

    /// <summary>The image id the container was created from.</summary>
    public required string Image { get; init; }

    /// <summary>The image as the create named it (<c>Config.Image</c>).</summary>
    public required string ImageReference { get; init; }

    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    /// <summary>Whether it runs with a TTY, which makes its logs one plain stream instead of a multiplexed one.</summary>
    public required bool Tty { get; init; }

    public required ContainerState State { get; init; }

    /// <summary>The published ports (<c>NetworkSettings.Ports</c>): <c>"8080/tcp"</c> → its host bindings, empty for an exposed port that is not published.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<PortBinding>> Ports { get; init; }
}
