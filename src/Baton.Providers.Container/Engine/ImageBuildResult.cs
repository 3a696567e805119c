namespace Baton.Providers.Container.Engine;

/// <summary>A finished build: the image id and the last lines the build printed.</summary>
internal sealed record ImageBuildResult
{
    /// <summary>The image id, <c>sha256:…</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The last lines of the build's output (at most <see cref="DockerEngineClient.BuildOutputTailLines"/>).</summary>
    public required IReadOnlyList<string> OutputTail { get; init; }
}
