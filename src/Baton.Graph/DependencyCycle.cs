using System.Collections.Immutable;

namespace Baton.Graph;

/// <summary>A cycle found in a graph: one concrete witness for one strongly connected component.</summary>
public sealed record DependencyCycle
{
    /// <summary>
    /// The witness, as node ids <c>[a, b, c]</c> meaning a → b → c → a: each node depends on the next and the
    /// last depends on the first. It starts at the smallest id of <see cref="Component"/>. A self-edge is <c>[a]</c>.
    /// </summary>
    public required ImmutableArray<int> Path { get; init; }

    /// <summary>Every node of the strongly connected component, ascending. Each of them lies on some cycle.</summary>
    public required ImmutableArray<int> Component { get; init; }
}
