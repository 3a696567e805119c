namespace Baton.Providers.Container;

/// <summary>The resource limits of a container, where the engine supports them (all optional).</summary>
/// <param name="MemoryBytes">Memory limit in bytes.</param>
/// <param name="NanoCpus">CPU limit in billionths of a CPU.</param>
/// <param name="Pids">Maximum number of processes.</param>
internal sealed record ContainerLimits(long? MemoryBytes, long? NanoCpus, long? Pids)
{
    public static ContainerLimits None { get; } = new(null, null, null);
}
