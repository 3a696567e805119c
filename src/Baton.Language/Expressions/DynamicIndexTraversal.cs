namespace Baton.Expressions;

/// <summary><c>[count.index]</c>: an index whose key is computed; the key is known only at evaluation.</summary>
/// <param name="Key">The key expression.</param>
public sealed record DynamicIndexTraversal(Expression Key) : Traversal
{
    /// <inheritdoc />
    public override string ToString() => "[" + ExpressionPrinter.Print(Key) + "]";
}
