namespace Baton.Providers.Container.Engine;

/// <summary>An image as the engine inspects it (<c>GET /images/{name}/json</c>).</summary>
internal sealed record ImageDetails
{
    /// <summary>The image id, <c>sha256:…</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Its tags; Podman spells them fully qualified (<c>docker.io/library/web:1</c>).</summary>
    public required IReadOnlyList<string> RepoTags { get; init; }

    public required IReadOnlyList<string> RepoDigests { get; init; }

    public required IReadOnlyDictionary<string, string> Labels { get; init; }
}
