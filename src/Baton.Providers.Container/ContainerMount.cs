namespace Baton.Providers.Container;

/// <summary>One entry of <c>mounts</c>: a host directory (bind, resolved inside the provider's roots), a named volume, or a tmpfs.</summary>
/// <param name="Type">bind, volume or tmpfs.</param>
/// <param name="Source">The resolved host path (bind), the volume's name (volume), or null (tmpfs).</param>
/// <param name="Target">The absolute path inside the container.</param>
/// <param name="ReadOnly">Whether the container may only read it.</param>
internal sealed record ContainerMount(string Type, string? Source, string Target, bool ReadOnly);
