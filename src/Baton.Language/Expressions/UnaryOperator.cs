namespace Baton.Expressions;

/// <summary>A prefix operator.</summary>
public enum UnaryOperator
{
    /// <summary><c>!</c>, bool negation.</summary>
    Not,

    /// <summary><c>-</c>, arithmetic negation.</summary>
    Negate,
}
