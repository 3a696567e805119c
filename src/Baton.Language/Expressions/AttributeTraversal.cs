namespace Baton.Expressions;

/// <summary><c>.name</c>.</summary>
/// <param name="Name">The attribute name.</param>
public sealed record AttributeTraversal(string Name) : Traversal
{
    /// <inheritdoc />
    public override string ToString() => "." + Name;
}
