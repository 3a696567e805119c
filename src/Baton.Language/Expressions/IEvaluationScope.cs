using Baton.Values;

namespace Baton.Expressions;

/// <summary>What an expression can see while it is evaluated: the values of its root identifiers, and the host for files.</summary>
public interface IEvaluationScope
{
    /// <summary>The value of a root identifier such as <c>var</c> or <c>db</c>; false when the name is not in scope.</summary>
    bool TryGetRoot(string name, out Value value);

    /// <summary>Where <c>file()</c> and <c>template()</c> read files.</summary>
    IExpressionHost Host { get; }
}
