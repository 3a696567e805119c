namespace Baton.Providers.Container.Engine;

/// <summary>What a network create asks for (<c>POST /networks/create</c>).</summary>
internal sealed record NetworkSpec
{
    public required string Name { get; init; }

    public string Driver { get; init; } = "bridge";

    /// <summary>No route out of the network: its containers reach only each other.</summary>
    public bool Internal { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>A CIDR such as <c>10.90.1.0/24</c>; the engine picks a free one when null.</summary>
    public string? Subnet { get; init; }

    /// <summary>The gateway inside <see cref="Subnet"/>; the engine picks the first address when null.</summary>
    public string? Gateway { get; init; }

    /// <summary>
    /// Driver options, such as <c>com.docker.network.bridge.name</c> for the bridge interface's name (which Podman
    /// honours too).
    /// </summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();
}
