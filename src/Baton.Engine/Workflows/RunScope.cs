using Baton.Expressions;
using Baton.Values;

namespace Baton.Engine.Workflows;

/// <summary>What a step's expressions see: <c>inputs</c>, <c>steps</c>, <c>run</c>, <c>each</c>, then the host's roots (<c>var</c>, resources…).</summary>
internal sealed class RunScope(IEvaluationScope host, Value inputs, Value steps, Value run, Value? each) : IEvaluationScope
{
    public IExpressionHost Host => host.Host;

    public bool TryGetRoot(string name, out Value value)
    {
        switch (name)
        {
            case "inputs":
                value = inputs;
                return true;
            case "steps":
                value = steps;
                return true;
            case "run":
                value = run;
                return true;
            case "each" when each is not null:
                value = each;
                return true;
            default:
                return host.TryGetRoot(name, out value);
        }
    }
}
