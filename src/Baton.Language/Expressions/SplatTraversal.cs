namespace Baton.Expressions;

/// <summary><c>[*]</c> in a <see cref="Reference"/>: every element (every instance of a resource with <c>count</c>).</summary>
public sealed record SplatTraversal : Traversal
{
    /// <summary>The one instance.</summary>
    public static SplatTraversal Instance { get; } = new();

    /// <inheritdoc />
    public override string ToString() => "[*]";
}
