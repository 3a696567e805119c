using Baton.Values;

namespace Baton.Engine.Planning;

/// <summary>Compares a planned value, which may hold unknowns, with an actual one.</summary>
internal static class KnownParts
{
    /// <summary>Whether <paramref name="actual"/> agrees with every known part of <paramref name="planned"/>.</summary>
    public static bool Match(Value planned, Value actual)
    {
        if (!planned.IsKnown)
        {
            return true;
        }

        if (planned.Kind != actual.Kind)
        {
            return false;
        }

        return planned.Kind switch
        {
            ValueKind.List => planned.AsList().Length == actual.AsList().Length && planned.AsList().Zip(actual.AsList()).All(p => Match(p.First, p.Second)),
            ValueKind.Map => planned.AsMap().Count == actual.AsMap().Count
                && planned.AsMap().All(e => actual.AsMap().TryGetValue(e.Key, out var a) && Match(e.Value, a)),
            _ => planned == actual,
        };
    }
}
