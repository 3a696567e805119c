using Baton.Values;

namespace Baton.Expressions;

/// <summary><c>[1]</c> or <c>["eu"]</c>: an index whose key is a literal.</summary>
/// <param name="Key">The literal key.</param>
public sealed record IndexTraversal(Value Key) : Traversal
{
    /// <inheritdoc />
    public override string ToString() => "[" + Key + "]";
}
