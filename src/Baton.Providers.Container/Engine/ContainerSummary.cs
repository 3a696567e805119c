namespace Baton.Providers.Container.Engine;

/// <summary>A container as the list answers it (<c>GET /containers/json</c>).</summary>
internal sealed record ContainerSummary
{
    public required string Id { get; init; }

    /// <summary>Its names without the leading slash.</summary>
    public required IReadOnlyList<string> Names { get; init; }

    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    /// <summary><c>running</c>, <c>exited</c>, <c>created</c>, …</summary>
    public required string State { get; init; }
}
