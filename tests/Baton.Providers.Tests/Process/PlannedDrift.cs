using Baton.Values;

namespace Baton.Providers.Tests.Process;

/// <summary>
/// What the engine's planner does with a plan whose inputs did not change: it updates only when a known part of the
/// planned attributes differs from what refresh read (unknown parts match anything).
/// </summary>
internal static class PlannedDrift
{
    public static bool Differs(Value planned, Value actual)
    {
        if (!planned.IsKnown)
        {
            return false;
        }

        if (planned.Kind != actual.Kind)
        {
            return true;
        }

        return planned.Kind switch
        {
            ValueKind.List => planned.AsList().Length != actual.AsList().Length || planned.AsList().Zip(actual.AsList()).Any(p => Differs(p.First, p.Second)),
            ValueKind.Map => planned.AsMap().Count != actual.AsMap().Count
                || planned.AsMap().Any(e => !actual.AsMap().TryGetValue(e.Key, out var a) || Differs(e.Value, a)),
            _ => planned != actual,
        };
    }
}
