using Baton.Expressions;
using Baton.Values;

namespace Baton.Binding;

/// <summary>An evaluation scope over a fixed set of root values (<c>var</c>, <c>each</c>, <c>count</c>, …).</summary>
internal sealed class ValueScope(IReadOnlyDictionary<string, Value> roots, IExpressionHost host) : IEvaluationScope
{
    public IExpressionHost Host { get; } = host;

    public bool TryGetRoot(string name, out Value value)
    {
        if (roots.TryGetValue(name, out var found))
        {
            value = found;
            return true;
        }

        value = Value.Null;
        return false;
    }
}
