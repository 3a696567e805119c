using Baton.Diagnostics;

namespace Baton.Expressions;

/// <summary>
/// A node of the <c>${…}</c> expression language. Nodes are immutable; <see cref="Span"/> says where the node's text is
/// in the stack file. Record equality includes spans and compares arrays by reference: compare trees with
/// <see cref="ExpressionComparer"/>.
/// </summary>
public abstract record Expression
{
    /// <summary>Where the text of this node is.</summary>
    public required SourceSpan Span { get; init; }
}
